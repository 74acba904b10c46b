/**
 * The one field registry. Every decoder registers the fields it can produce (Wireshark-style names such as
 * `ip.src`); the detail tree, the display filter and the column set all read it, so a new dissector's fields
 * become filterable and displayable without touching those consumers.
 */

export type FieldType =
  | 'protocol' // a protocol's own node (`ip`, `tcp`): presence only
  | 'none' // a label-only node
  | 'uint'
  | 'int'
  | 'bool'
  | 'float'
  | 'string'
  | 'bytes'
  | 'ether'
  | 'ipv4'
  | 'ipv6'
  | 'time' // absolute time, value in seconds (number)
  | 'reltime'; // relative time, value in seconds (number)

export interface FieldDef {
  readonly id: number;
  readonly name: string;
  readonly type: FieldType;
  readonly description: string;
  /** Display base for integers, as in Wireshark's field definitions. */
  readonly base: 'dec' | 'hex';
}

export class FieldRegistry {
  private readonly byName = new Map<string, FieldDef>();
  private readonly byId: FieldDef[] = [];

  /** Registers a field, or returns the existing one (decoders may share a field such as `ip.addr`). */
  register(name: string, type: FieldType, description: string, base: 'dec' | 'hex' = 'dec'): FieldDef {
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`field ${name} registered twice with types ${existing.type} and ${type}`);
      return existing;
    }
    const def: FieldDef = { id: this.byId.length, name, type, description, base };
    this.byId.push(def);
    this.byName.set(name, def);
    return def;
  }

  get(name: string): FieldDef | undefined {
    return this.byName.get(name);
  }

  byIndex(id: number): FieldDef {
    const def = this.byId[id];
    if (!def) throw new RangeError(`no field with id ${id}`);
    return def;
  }

  all(): readonly FieldDef[] {
    return this.byId;
  }
}

/** The process-wide registry that every decoder module fills at import time. */
export const fields = new FieldRegistry();
