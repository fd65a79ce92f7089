/** The OpenAI operations the gateway proxies: path, request schema, and how each streams. */
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
} from '@switchyard/api';
import type { z } from 'zod';

/** A proxied operation. */
export interface Operation {
  path: string;
  schema: z.ZodType<{ model: string; stream?: boolean | null | undefined } & Record<string, unknown>>;
  /** `gen_ai.operation.name` */
  genAiOperation: string;
  /** Whether `stream: true` is allowed. */
  streams: boolean;
}

/** The operations by name. */
export const OPERATIONS = {
  chat: {
    path: '/v1/chat/completions',
    schema: chatCompletionRequestSchema,
    genAiOperation: 'chat',
    streams: true,
  },
  completions: {
    path: '/v1/completions',
    schema: completionRequestSchema,
    genAiOperation: 'text_completion',
    streams: true,
  },
  embeddings: {
    path: '/v1/embeddings',
    schema: embeddingRequestSchema,
    genAiOperation: 'embeddings',
    streams: false,
  },
} as const satisfies Record<string, Operation>;

/** Operation names. */
export type OperationName = keyof typeof OPERATIONS;
