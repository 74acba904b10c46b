/** About Wirelens: what it is, and the attribution the bundled GeoIP data's CC BY 4.0 licences require. */
import { GEO_ATTRIBUTION } from '../../../shared/about';
import { useStore } from '../store';
import { Dialog } from './Dialog';

export function AboutDialog() {
  const close = (): void => useStore.getState().setDialog(null);
  return (
    <Dialog title="About Wirelens" onClose={close} testId="about-dialog">
      <p>
        <strong>Wirelens</strong>: a packet analyzer for pcap/pcapng files and live captures.
      </p>
      <p>Data sources shown in the sessions, statistics and logs:</p>
      <ul className="attribution">
        {GEO_ATTRIBUTION.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>
        <a href="https://db-ip.com" target="_blank" rel="noreferrer">
          IP Geolocation by DB-IP
        </a>
      </p>
    </Dialog>
  );
}
