/** Split into sessions dialog (being built). */
import { Dialog } from '../components/Dialog';
import { useStore } from '../store';

export function SplitDialog() {
  const close = () => useStore.getState().setDialog(null);
  return (
    <Dialog title="Split into sessions" onClose={close}>
      <p>Not built yet.</p>
    </Dialog>
  );
}
