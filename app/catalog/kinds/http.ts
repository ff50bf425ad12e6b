/** `http`: sends one HTTP request. */
import { z } from 'zod';
import { jsonValue, timeoutMs, userMap } from '../fields.js';
import { defineKind } from '../kind.js';
import { sendRequest, type RequestSpec } from '../send-request.js';

/** The default time limit of a request (response body included). */
export const HTTP_TIMEOUT_MS = 30_000;

const requestFields = {
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  headers: userMap(z.string()).optional(),
  /** A string is sent as is; any other JSON value is sent as JSON (with `content-type: application/json` unless set). */
  body: jsonValue.optional(),
  timeoutMs: timeoutMs(HTTP_TIMEOUT_MS),
};

const configSchema = z.strictObject({
  ...requestFields,
  /** A request sent on revert, with the same fields. */
  revert: z.strictObject(requestFields).optional(),
});

/**
 * Sends the request with the global `fetch` and `AbortSignal.timeout`. The
 * result is the response body: parsed JSON when the response says it is JSON
 * (`application/json` or `…+json`), else text. A status of 400 or more is a
 * failure naming the status, the method and the URL.
 */
export const http = defineKind({
  kind: 'http',
  description: 'Sends an HTTP request; the result is the JSON or text body; a status of 400 or more fails.',
  configSchema,
  execute: (config, _args, ctx) => sendRequest(config as RequestSpec, ctx),
  revert: (config, _args, _info, ctx) =>
    config.revert ? sendRequest(config.revert as RequestSpec, ctx) : undefined,
});
