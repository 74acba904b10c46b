/**
 * The packet detail tree. Every node with children expands (mouse or keyboard: ←/→ collapse/expand or move to
 * parent/child, ↑/↓ move, Enter toggles); selecting a node highlights its bytes in the hex view.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { DetailNode } from '../../../shared/contract';
import { expansionKey, pathKey, type NodePath } from '../bytes';
import { useStore } from '../store';
import { NodeActions } from './NodeActions';

interface Line {
  node: DetailNode;
  path: NodePath;
  key: string;
  depth: number;
  open: boolean;
}

function flatten(tree: readonly DetailNode[], expanded: ReadonlySet<string>): Line[] {
  const out: Line[] = [];
  const walk = (list: readonly DetailNode[], prefix: number[], chain: DetailNode[]): void => {
    list.forEach((node, i) => {
      const c = [...chain, node];
      const key = expansionKey(c);
      const open = expanded.has(key);
      const path = [...prefix, i];
      out.push({ node, path, key, depth: prefix.length, open });
      if (open && node.children?.length) walk(node.children, path, c);
    });
  };
  walk(tree, [], []);
  return out;
}

export function DetailTree() {
  const detail = useStore((s) => s.detail);
  const detailError = useStore((s) => s.detailError);
  const expanded = useStore((s) => s.expanded);
  const selectedNode = useStore((s) => s.selectedNode);
  const selectNode = useStore((s) => s.selectNode);
  const toggleExpanded = useStore((s) => s.toggleExpanded);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const lines = useMemo(() => (detail ? flatten(detail.tree, expanded) : []), [detail, expanded]);
  const selKey = selectedNode ? pathKey(selectedNode) : null;
  const selIndex = lines.findIndex((l) => pathKey(l.path) === selKey);

  // Keep the selected line visible (it may have been chosen from the hex view).
  useEffect(() => {
    listRef.current?.querySelector('.tree-line.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selKey, lines]);

  useEffect(() => {
    if (!menu) return;
    const close = (): void => setMenu(null);
    window.addEventListener('click', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('blur', close);
    };
  }, [menu]);

  if (!detail) {
    return (
      <div className="detail-tree empty" data-testid="detail-tree">
        {detailError ? <span className="error-text">{detailError}</span> : <span className="muted">Select a packet to see its details.</span>}
      </div>
    );
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (lines.length === 0) return;
    const cur = selIndex >= 0 ? lines[selIndex] : null;
    const move = (i: number): void => selectNode(lines[Math.max(0, Math.min(lines.length - 1, i))].path);
    switch (e.key) {
      case 'ArrowDown':
        move(selIndex + 1);
        break;
      case 'ArrowUp':
        move(selIndex < 0 ? 0 : selIndex - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(lines.length - 1);
        break;
      case 'ArrowRight':
        if (!cur) move(0);
        else if (cur.node.children?.length && !cur.open) toggleExpanded(cur.key, true);
        else if (cur.open) move(selIndex + 1);
        break;
      case 'ArrowLeft':
        if (!cur) break;
        if (cur.open) toggleExpanded(cur.key, false);
        else if (cur.path.length > 1) selectNode(cur.path.slice(0, -1));
        break;
      case 'Enter':
      case ' ':
        if (cur?.node.children?.length) toggleExpanded(cur.key);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const onContextMenu = (e: MouseEvent, line: Line): void => {
    e.preventDefault();
    selectNode(line.path);
    setMenu({ x: e.clientX, y: e.clientY });
  };

  const selected = selIndex >= 0 ? lines[selIndex].node : null;

  return (
    <div className="detail-pane" data-testid="detail-tree">
      <NodeActions node={selected} />
      <div className="detail-tree" role="tree" tabIndex={0} ref={listRef} onKeyDown={onKeyDown} aria-label="Packet details">
        {lines.map((l, i) => {
          const hasKids = (l.node.children?.length ?? 0) > 0;
          return (
            <div
              key={pathKey(l.path)}
              role="treeitem"
              aria-expanded={hasKids ? l.open : undefined}
              aria-selected={i === selIndex}
              aria-level={l.depth + 1}
              className={`tree-line depth-${Math.min(l.depth, 12)}${i === selIndex ? ' selected' : ''}`}
              data-field={l.node.field}
              data-start={l.node.start}
              data-length={l.node.length}
              data-source={l.node.source}
              onClick={() => selectNode(l.path)}
              onDoubleClick={() => hasKids && toggleExpanded(l.key)}
              onContextMenu={(e) => onContextMenu(e, l)}
            >
              <span
                className={`twisty${hasKids ? '' : ' leaf'}`}
                onClick={(e) => {
                  if (!hasKids) return;
                  e.stopPropagation();
                  toggleExpanded(l.key);
                  selectNode(l.path);
                }}
              >
                {hasKids ? (l.open ? '▾' : '▸') : ''}
              </span>
              <span className="tree-label">{l.node.label}</span>
            </div>
          );
        })}
      </div>
      {menu && selected && (
        <div
          className="context-menu"
          ref={(el) => {
            if (el) placeMenu(el, menu);
          }}
        >
          <NodeActions node={selected} vertical />
        </div>
      )}
    </div>
  );
}

/** Positions the context menu through the CSSOM (inline style attributes would need 'unsafe-inline'). */
function placeMenu(el: HTMLElement, at: { x: number; y: number }): void {
  el.style.left = `${Math.min(at.x, window.innerWidth - 200)}px`;
  el.style.top = `${Math.min(at.y, window.innerHeight - 100)}px`;
}
