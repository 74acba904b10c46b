/**
 * Contract methods of the stream view (merged into shared/contract.ts's `methods` and `Results`).
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 */
import { z } from 'zod';

export const streamMethods = {} satisfies Record<string, z.ZodType>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the view's methods
export interface StreamResults {}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const streamOutputs: readonly string[] = [];
