/** Finding `usage` in engine responses without parsing whole bodies (embedding bodies can be megabytes). */
import type { Usage } from '@switchyard/api';

/** Extracts the `usage` object from a JSON response text; undefined when absent or malformed. */
export function extractUsage(text: string): Usage | undefined {
  const key = text.lastIndexOf('"usage"');
  if (key < 0) return undefined;
  const start = text.indexOf('{', key);
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123) depth++;
    else if (ch === 125 && --depth === 0) {
      try {
        const usage = JSON.parse(text.slice(start, i + 1)) as Usage;
        return typeof usage.prompt_tokens === 'number' ? usage : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const USAGE_KEY = Buffer.from('"usage"');

/**
 * `extractUsage` on raw bytes: decodes only the tail from the last `"usage"` key, not the whole body
 * (the key is ASCII, so its byte offset starts a valid UTF-8 slice).
 */
export function extractUsageFromBuffer(payload: Buffer): Usage | undefined {
  const key = payload.lastIndexOf(USAGE_KEY);
  if (key < 0) return undefined;
  return extractUsage(payload.toString('utf8', key));
}
