/**
 * A view of an indexed capture for re-dissecting packets in file order with fresh per-connection state.
 *
 * Why: the TLS and QUIC decoders keep per-connection state in `appState` (ChangeCipherSpec seen, a handshake
 * message spanning records, QUIC CRYPTO data) and update it on every dissection. After the index pass that
 * state describes the end of each connection, so re-dissecting a ServerHello through the pass's own state
 * reads it as "Encrypted Handshake Message" (the ChangeCipherSpec already went by). Logs instead replay the
 * packets they need in order against a fresh copy of that state, which rebuilds what the pass saw at the time.
 *
 * DNS and HTTP transaction trackers are different: they learn each frame once (during the pass) and only
 * read afterwards, and that learning needs every frame in order, so the view shares them with the pass.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { DNS_STATE_KEY } from '../dissect/protocols/dns-transactions';
import { HTTP_STATE_KEY } from '../dissect/protocols/http-transactions';

/** Learn-once trackers, safe (and necessary) to share with the index pass. */
const SHARED_KEYS = [DNS_STATE_KEY, HTTP_STATE_KEY];

export function replayView(index: CaptureIndex): CaptureIndex {
  const appState = new Map<string, unknown>();
  for (const key of SHARED_KEYS) {
    if (index.appState.has(key)) appState.set(key, index.appState.get(key));
  }
  // Everything but `appState` (store, sessions, reader, reassembly records) comes from the index itself.
  return Object.create(index, { appState: { value: appState, enumerable: true } }) as CaptureIndex;
}
