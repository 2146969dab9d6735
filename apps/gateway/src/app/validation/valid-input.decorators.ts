import { Body, Query } from '@nestjs/common';
import { z } from 'zod';
import { addRouteConfig, WardenRouteConfig } from '../edge/route-config';
import { ApiBodyFrom, ApiQueryFrom } from './openapi-from-zod';
import { ZodValidationPipe } from './zod-validation.pipe';

/**
 * A route's input is declared once, by these parameter decorators: the schema validates it (400 listing
 * the offending fields), documents it in /openapi.json, and marks the route as taking it. A route that
 * declares no query refuses every query parameter, and one that declares no body refuses any non-empty
 * body (the input-shape hook), so no route takes input nobody validates.
 */
function declareInput(declaration: WardenRouteConfig, bind: ParameterDecorator, document: MethodDecorator): ParameterDecorator {
  return (target, key, index) => {
    bind(target, key, index);
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    document(target, key!, descriptor);
    addRouteConfig(descriptor.value as object, declaration);
  };
}

/** The route's JSON body, validated by `schema`. */
export const ValidBody = (schema: z.ZodType): ParameterDecorator => declareInput({ takesBody: true }, Body(new ZodValidationPipe(schema)), ApiBodyFrom(schema));

/** The route's query parameters, validated by the object `schema`. */
export const ValidQuery = (schema: z.ZodObject): ParameterDecorator => declareInput({ takesQuery: true }, Query(new ZodValidationPipe(schema)), ApiQueryFrom(schema));
