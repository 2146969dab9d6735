import { BadRequestException, PipeTransform } from '@nestjs/common';
import { describeIssues } from '@warden/contracts';
import { z } from 'zod';

/** Validates a body, query or params object against a zod schema: 400 listing the offending fields. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new BadRequestException({ message: 'validation failed', fields: describeIssues(result.error) });
    return result.data;
  }
}
