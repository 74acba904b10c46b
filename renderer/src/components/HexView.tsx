/**
 * Hex/ASCII view of the selected packet's bytes. The selected field's bytes are highlighted (in the byte source
 * the field refers to: the frame, or a reassembled buffer); clicking a byte selects the deepest field covering it.
 */
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { ancestorKeys, decodeBase64, deepestAt, nodeAt } from '../bytes';
import { useStore } from '../store';

const PER_LINE = 16;

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export function HexView() {
  const detail = useStore((s) => s.detail);
  const selectedNode = useStore((s) => s.selectedNode);
  const selectNode = useStore((s) => s.selectNode);
  const toggleExpanded = useStore((s) => s.toggleExpanded);
  const [source, setSource] = useState(0);

  const node = detail && selectedNode ? nodeAt(detail.tree, selectedNode) : null;
  // Follow the selected field into its own byte source.
  useEffect(() => {
    if (node && node.source !== source && detail && node.source < detail.sources.length) setSource(node.source);
  }, [node, source, detail]);
  useEffect(() => setSource(0), [detail?.number]);

  const bytes = useMemo(() => {
    const src = detail?.sources[source] ?? detail?.sources[0];
    return src ? decodeBase64(src.bytes) : new Uint8Array(0);
  }, [detail, source]);

  if (!detail) return <div className="hex-view empty" data-testid="hex-view" />;

  const hlStart = node && node.source === source ? node.start : -1;
  const hlEnd = node && node.source === source ? node.start + node.length : -1;
  const isHl = (i: number): boolean => i >= hlStart && i < hlEnd;

  const onClick = (e: MouseEvent<HTMLDivElement>): void => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-offset]');
    if (!el) return;
    const offset = Number(el.dataset.offset);
    const path = deepestAt(detail.tree, source, offset);
    if (!path) return;
    for (const k of ancestorKeys(detail.tree, path)) toggleExpanded(k, true);
    selectNode(path);
  };

  const lines: number[] = [];
  for (let off = 0; off < bytes.length; off += PER_LINE) lines.push(off);

  return (
    <div className="hex-pane" data-testid="hex-view">
      {detail.sources.length > 1 && (
        <div className="hex-tabs">
          {detail.sources.map((s, i) => (
            <button key={i} type="button" className={i === source ? 'active' : ''} onClick={() => setSource(i)}>
              {s.name} ({decodedLength(s.bytes)} bytes)
            </button>
          ))}
        </div>
      )}
      <div className="hex-view" onClick={onClick}>
        {lines.map((off) => {
          const n = Math.min(PER_LINE, bytes.length - off);
          const hexCells = [];
          const asciiCells = [];
          for (let j = 0; j < n; j++) {
            const i = off + j;
            const hl = isHl(i) ? ' hl' : '';
            hexCells.push(
              <span key={i} className={`hex-byte${hl}${j === 7 ? ' gap' : ''}`} data-offset={i}>
                {hex2(bytes[i])}
              </span>,
            );
            asciiCells.push(
              <span key={i} className={`ascii-char${hl}`} data-offset={i}>
                {printable(bytes[i])}
              </span>,
            );
          }
          return (
            <div className="hex-line" key={off}>
              <span className="hex-offset">{off.toString(16).padStart(4, '0')}</span>
              <span className="hex-bytes">{hexCells}</span>
              <span className="hex-ascii">{asciiCells}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function decodedLength(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length * 3) / 4 - pad;
}
