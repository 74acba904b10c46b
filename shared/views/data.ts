/**
 * Contract methods of the data view (merged into shared/contract.ts's `methods` and `Results`): getting data
 * out of Wirelens for other tools — the capture split into one file per session (or one JSON document of
 * every session), the session table as CSV / JSON lines / Parquet, and every log as CSV / JSON lines.
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 */
import { z } from 'zod';

const path = z.string().min(1).max(4096);

export const SPLIT_FORMATS = ['pcap', 'pcapng', 'json'] as const;
export const SESSION_EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export const LOG_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
/** The engine's logs (main/engine/logs LOG_KINDS). */
export const EXPORT_LOG_KINDS = ['dns', 'http', 'tls', 'sip', 'apps'] as const;

export const dataMethods = {
  /**
   * Splits the capture (as far as indexed) into one pcap/pcapng file per session, or one JSON document listing
   * every session with its packets' timestamps and signed lengths. `path` is a folder for pcap/pcapng (a new
   * folder `<capture>-sessions` is made inside it) and a file for json; it is honoured only where the user
   * chooses it (Electron main asks with a native dialog; serve only under --root). Without `path`, serve
   * hands out a download: a tar archive of the files, or the JSON document.
   */
  'data.split': z
    .object({
      format: z.enum(SPLIT_FORMATS),
      /** Leave out TCP sessions whose three-way handshake was not captured. */
      tcpFromHandshake: z.boolean().default(false),
      /** Only sessions having a packet the current display filter shows (and unassigned packets it shows). */
      displayed: z.boolean().default(false),
      /** JSON: base64 transport payload of every packet. */
      payloads: z.boolean().default(false),
      /** pcap/pcapng: packets of no session (ARP, non-IP…) into one more file, unassigned.<format>. */
      unassigned: z.boolean().default(true),
      path: path.optional(),
    })
    .strict(),
  /** The session table (all sessions, or those having a displayed packet) as CSV, JSON lines or Parquet. */
  'data.exportSessions': z
    .object({
      format: z.enum(SESSION_EXPORT_FORMATS),
      displayed: z.boolean().default(false),
      path: path.optional(),
    })
    .strict(),
  /** One log (Zeek-style, as `wirelens logs KIND`) as CSV or JSON lines. */
  'data.exportLog': z
    .object({
      kind: z.enum(EXPORT_LOG_KINDS),
      format: z.enum(LOG_EXPORT_FORMATS),
      path: path.optional(),
    })
    .strict(),
} satisfies Record<string, z.ZodType>;

export interface SplitSummary {
  format: (typeof SPLIT_FORMATS)[number];
  /** Sessions written (files, or entries of the JSON document). */
  written: number;
  /** Sessions left out, and why. */
  skipped: number;
  skippedNoHandshake: number;
  skippedByFilter: number;
  skippedLinkTypes: number;
  /** Packets written. */
  packets: number;
  /** Packets of no session, and the file holding them (null: not written). */
  unassignedPackets: number;
  unassignedFile: string | null;
  /** The folder (pcap/pcapng) or file (json) written, when written where the user chose. */
  path?: string;
  downloadUrl?: string;
}

export interface DataResults {
  'data.split': SplitSummary;
  'data.exportSessions': { written: number; path?: string; downloadUrl?: string };
  'data.exportLog': { written: number; path?: string; downloadUrl?: string };
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const dataOutputs: readonly string[] = ['data.exportSessions', 'data.exportLog'];

/**
 * Methods that write into a folder the user chooses (the desktop app asks with a folder dialog, or a save
 * dialog for a single-file format such as split's json). As with dataOutputs, the renderer may not name the
 * path itself.
 */
export const dataFolderOutputs: readonly string[] = ['data.split'];
