/**
 * A call's flow ladder, drawn as SVG by React: one lifeline per endpoint (IP:port), one arrow per SIP message
 * in time order labelled with its method or status, and each RTP stream as a band between its endpoints at the
 * time it started (codec, packets, loss, jitter, time span). Clicking an arrow selects its packet (the detail
 * pane below shows the raw SIP message); clicking a band selects the stream's first packet.
 */
import type { CallFlow, CallMessage, CallSpan } from '../../../shared/views/calls';
import { formatCount } from '../format';
import { useStore } from '../store';

const COL_W = 150;
const LEFT = 84;
/** Room right of the last lifeline for labels that overhang it. */
const RIGHT = 90;
const ROW_H = 28;
const TOP = 8;

type Item = { kind: 'msg'; time: number; msg: CallMessage } | { kind: 'rtp'; time: number; span: CallSpan };

const x = (col: number): number => LEFT + COL_W / 2 + col * COL_W;

/** "1.234567" seconds, as the packet list's relative times. */
const secs = (t: number): string => t.toFixed(6);

function Arrow({ msg, y, selected }: { msg: CallMessage; y: number; selected: boolean }) {
  const x1 = x(msg.from);
  const x2 = x(msg.to);
  const dir = x2 >= x1 ? 1 : -1;
  const cls = `ladder-msg${msg.request ? ' req' : ' resp'}${msg.status >= 300 ? ' err' : ''}${selected ? ' selected' : ''}`;
  const select = (): void => useStore.getState().selectPacket(msg.number);
  if (x1 === x2) {
    // A message to itself (same IP:port both ends): a small loop.
    return (
      <g className={cls} data-testid="ladder-msg" data-number={msg.number} data-label={msg.label} onClick={select}>
        <title>{`${msg.number}: ${msg.label} (CSeq ${msg.cseq})`}</title>
        <rect className="ladder-hit" x={LEFT} y={y - ROW_H / 2} width={COL_W * 2} height={ROW_H} />
        <path className="ladder-line" d={`M${x1} ${y - 6} h24 v12 h-24`} />
        <text className="ladder-label" x={x1 + 30} y={y + 4}>
          {msg.label}
        </text>
      </g>
    );
  }
  const lo = Math.min(x1, x2);
  return (
    <g className={cls} data-testid="ladder-msg" data-number={msg.number} data-label={msg.label} onClick={select}>
      <title>{`Packet ${msg.number}: ${msg.label} (CSeq ${msg.cseq}) at ${secs(msg.time)} s`}</title>
      <rect className="ladder-hit" x={lo - 8} y={y - ROW_H / 2 + 1} width={Math.abs(x2 - x1) + 16} height={ROW_H - 2} />
      <line className="ladder-line" x1={x1} y1={y + 4} x2={x2 - dir * 7} y2={y + 4} />
      <polygon className="ladder-arrowhead" points={`${x2},${y + 4} ${x2 - dir * 8},${y} ${x2 - dir * 8},${y + 8}`} />
      <text className="ladder-label" x={(x1 + x2) / 2} y={y - 2} textAnchor="middle">
        {msg.label}
      </text>
    </g>
  );
}

function RtpBand({ span, y }: { span: CallSpan; y: number }) {
  const x1 = x(span.from);
  const x2 = x(span.to);
  const lo = Math.min(x1, x2);
  const w = Math.max(Math.abs(x2 - x1), 24);
  const dir = x2 >= x1 ? '→' : '←';
  const text = `${dir} RTP ${span.codec} · ${formatCount(span.packets)} pkts · lost ${span.lost} · jitter ${span.maxJitter.toFixed(2)} ms`;
  return (
    <g
      className={`ladder-rtp${span.lost > 0 || span.problem ? ' problem' : ''}`}
      data-testid="ladder-rtp"
      data-ssrc={span.ssrc}
      onClick={() => useStore.getState().selectPacket(span.firstFrame)}
    >
      <title>{`RTP ${span.start.toFixed(3)}–${span.end.toFixed(3)} s, ${span.src}:${span.sport} → ${span.dst}:${span.dport} SSRC 0x${span.ssrc.toString(16).toUpperCase().padStart(8, '0')}, ${span.codec}, ${span.packets} packets (${span.expected} expected), lost ${span.lost}, max jitter ${span.maxJitter.toFixed(3)} ms, mean jitter ${span.meanJitter.toFixed(3)} ms, max delta ${span.maxDelta.toFixed(3)} ms, frames ${span.firstFrame}–${span.lastFrame}`}</title>
      <rect className="ladder-band" x={lo} y={y - ROW_H / 2 + 3} width={w} height={ROW_H - 6} rx={4} />
      <text className="ladder-band-label" x={lo + w / 2} y={y + 4} textAnchor="middle">
        {text}
      </text>
    </g>
  );
}

export function CallLadder({ flow }: { flow: CallFlow }) {
  const selected = useStore((s) => s.selected);
  const items: Item[] = [
    ...flow.messages.map((msg): Item => ({ kind: 'msg', time: msg.time, msg })),
    ...flow.rtp.map((span): Item => ({ kind: 'rtp', time: span.start, span })),
  ];
  // Stable: messages keep capture order among equal times; a stream comes after the message at its start.
  items.sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'msg' ? -1 : 1));
  const cols = flow.endpoints.length;
  const width = LEFT + cols * COL_W + RIGHT;
  const height = TOP + items.length * ROW_H + 12;
  return (
    <div className="ladder-scroll" data-testid="call-ladder">
      <div className="ladder-head" style={{ width }}>
        <span className="ladder-time-head" style={{ width: LEFT }}>
          Time (s)
        </span>
        {flow.endpoints.map((ep, k) => (
          <span key={ep} className="ladder-endpoint mono" data-testid="ladder-endpoint" style={{ left: LEFT + k * COL_W, width: COL_W }} title={ep}>
            {ep}
          </span>
        ))}
      </div>
      <svg className="ladder-svg" width={width} height={height} role="img" aria-label={`Call flow of ${flow.call.callId}`}>
        {flow.endpoints.map((ep, k) => (
          <line key={ep} className="ladder-lifeline" x1={x(k)} y1={0} x2={x(k)} y2={height} />
        ))}
        {items.map((it, k) => {
          const y = TOP + k * ROW_H + ROW_H / 2;
          const sel = it.kind === 'msg' && it.msg.number === selected;
          return (
            <g key={it.kind === 'msg' ? `m${k}` : `r${k}`}>
              {sel && <rect className="ladder-row-selected" x={0} y={y - ROW_H / 2} width={width} height={ROW_H} />}
              <text className="ladder-time mono" x={6} y={y + 4}>
                {secs(it.time)}
              </text>
              {it.kind === 'msg' ? <Arrow msg={it.msg} y={y} selected={sel} /> : <RtpBand span={it.span} y={y} />}
            </g>
          );
        })}
      </svg>
      {flow.truncated && <div className="muted small ladder-note">Only the first {flow.messages.length} messages are drawn.</div>}
    </div>
  );
}
