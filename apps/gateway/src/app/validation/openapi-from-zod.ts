import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

type OpenApiSchema = Parameters<typeof ApiBody>[0] extends infer O ? (O extends { schema?: infer S } ? S : never) : never;

/** The OpenAPI form of a zod schema, as clients must send it. */
export function openApiSchema(schema: z.ZodType): OpenApiSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as OpenApiSchema;
}

/** Documents a JSON body from the same zod schema that validates it. */
export const ApiBodyFrom = (schema: z.ZodType) => ApiBody({ schema: openApiSchema(schema) });

/** Documents each query parameter of a zod object schema. */
export function ApiQueryFrom(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({ name, required: !(field as z.ZodType).safeParse(undefined).success, schema: openApiSchema(field as z.ZodType) }),
    ),
  );
}
