/**
 * Which stream the Follow Stream dialog shows, and the packet list's follow context menu. `openFollow` is what
 * other views call (the Sessions view, the packet list's menu and shortcut).
 */
import { create } from 'zustand';
import { client } from '../connection';
import { errorText, useStore } from '../store';

export interface FollowMenu {
  x: number;
  y: number;
  packet: number;
  /** What the packet belongs to (null while asking, or when it has no TCP/UDP session). */
  target: { session: number; proto: 'tcp' | 'udp'; filter: string } | null;
  asked: boolean;
}

interface FollowState {
  session: number | null;
  menu: FollowMenu | null;
  setMenu(menu: FollowMenu | null): void;
}

export const useFollow = create<FollowState>()((set) => ({
  session: null,
  menu: null,
  setMenu: (menu) => set({ menu }),
}));

/** Opens the Follow Stream dialog on session `sessionId` (a TCP or UDP session id, as the engine numbers them). */
export function openFollow(sessionId: number): void {
  useFollow.setState({ session: sessionId, menu: null });
  useStore.getState().setDialog('follow');
}

/** The followable session of packet `number`, or null (the engine says which). */
export async function streamOfPacket(number: number): Promise<{ session: number; proto: 'tcp' | 'udp'; filter: string } | null> {
  const r = await client.request('stream.sessionOf', { number });
  return r.session !== null && r.proto !== null && r.filter !== null ? { session: r.session, proto: r.proto, filter: r.filter } : null;
}

/**
 * Follow the stream of packet `number` (Ctrl+Alt+Shift+T / U, like Wireshark): `want` limits it to one transport,
 * as Wireshark's TCP and UDP shortcuts do.
 */
export async function followPacket(number: number, want?: 'tcp' | 'udp'): Promise<void> {
  try {
    const t = await streamOfPacket(number);
    if (t === null || (want !== undefined && t.proto !== want)) {
      useStore.getState().notify(`Packet ${number} is not part of a ${want ? want.toUpperCase() : 'TCP or UDP'} stream.`, 'error');
      return;
    }
    openFollow(t.session);
  } catch (err) {
    useStore.getState().notify(errorText(err), 'error');
  }
}
