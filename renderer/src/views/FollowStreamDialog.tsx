/** Follow stream dialog (being built). */
import { Dialog } from '../components/Dialog';
import { useStore } from '../store';

export function FollowStreamDialog() {
  const close = () => useStore.getState().setDialog(null);
  return (
    <Dialog title="Follow stream" onClose={close}>
      <p>Not built yet.</p>
    </Dialog>
  );
}
