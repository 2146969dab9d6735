import { ArgumentMetadata, BadRequestException, PipeTransform } from '@nestjs/common';
import { describeIssues } from '@warden/contracts';
import { z } from 'zod';

/** What an issue at the root of a value is about: `(body)`, `(query)`, or the path parameter's name. */
function rootLabel(metadata?: ArgumentMetadata): string {
  if (metadata?.type === 'param' && metadata.data) return metadata.data;
  return metadata?.type === 'query' ? '(query)' : '(body)';
}

/** Validates a body, query or path parameter against a zod schema: 400 listing the offending fields. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata?: ArgumentMetadata): z.output<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new BadRequestException({ message: 'validation failed', fields: describeIssues(result.error, rootLabel(metadata)) });
    return result.data;
  }
}
