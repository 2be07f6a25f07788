import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** The request schema the route actually validates with, as JSON Schema for the OpenAPI document. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  body?: z.ZodType;
  example?: unknown;
  /** Example of the success answer. */
  answer?: { status: number; example: unknown };
  /** Error codes this route can answer, by status. */
  errors?: Record<number, string[]>;
  idempotent?: boolean;
  public?: boolean;
}

/** OpenAPI for one route, from the same zod schema the route parses its body with, plus an example. */
export function ApiRoute(doc: RouteDoc) {
  const decorators = [ApiOperation({ summary: doc.summary, description: doc.description })];
  if (!doc.public) decorators.push(ApiBearerAuth());
  if (doc.body) {
    decorators.push(
      ApiBody({ schema: jsonSchemaOf(doc.body), ...(doc.example !== undefined ? { examples: { example: { value: doc.example } } } : {}) }),
    );
  }
  if (doc.idempotent) {
    decorators.push(
      ApiHeader({
        name: 'Idempotency-Key',
        required: false,
        description:
          'Retry-safe key (8-128 chars): the same key and body return the first answer; another body is 422 IDEMPOTENCY.KEY_REUSED',
      }),
    );
  }
  if (doc.answer) decorators.push(ApiResponse({ status: doc.answer.status, description: 'Success', example: doc.answer.example }));
  for (const [status, codes] of Object.entries(doc.errors ?? {})) {
    decorators.push(ApiResponse({ status: Number(status), description: codes.join(', ') }));
  }
  return applyDecorators(...decorators);
}
