/**
 * Protocol ids for the Protocol column and the store's fixed-width protocol column: a small integer per
 * display name ("TCP", "DNS"), assigned at registration, so a packet stores 2 bytes instead of a string.
 */
export class ProtocolNames {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  constructor() {
    this.id(''); // 0: nothing decoded
  }
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
  name(id: number): string {
    return this.names[id] ?? '';
  }
}

export const protocolNames = new ProtocolNames();
