/** Go to packet (Ctrl+G): finds the packet among the displayed ones (packets.indexOf) and selects it. */
import { useCallback, useState, type FormEvent } from 'react';
import { useStore } from '../store';
import { Dialog } from './Dialog';

export function GoToDialog() {
  const setDialog = useStore((s) => s.setDialog);
  const goToPacket = useStore((s) => s.goToPacket);
  const total = useStore((s) => s.status?.packets ?? 0);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), [setDialog]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      setError('Enter a packet number.');
      return;
    }
    if (await goToPacket(n)) close();
    else setError(`Packet ${n} is not displayed.`);
  };

  return (
    <Dialog title="Go to packet" onClose={close} testId="goto-dialog">
      <form onSubmit={(e) => void submit(e)} className="goto-form">
        <input
          autoFocus
          inputMode="numeric"
          data-testid="goto-input"
          placeholder={total ? `1 – ${total}` : 'Packet number'}
          value={value}
          onChange={(e) => {
            setValue(e.target.value.replace(/[^0-9]/g, ''));
            setError(null);
          }}
        />
        <button type="submit" className="primary">
          Go
        </button>
      </form>
      {error && <div className="error-text">{error}</div>}
    </Dialog>
  );
}
