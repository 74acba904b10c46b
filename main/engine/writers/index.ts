/** Capture writers: streaming pcap/pcapng output and atomic file replacement. */
export { PcapWriter, type PcapWriterOptions } from './pcap-writer';
export { PcapngWriter, type PcapngWriterOptions, type WritableInterface } from './pcapng-writer';
export { writeAtomically } from './atomic';
export { FileSink } from './file-sink';
export type { WritablePacket } from './packet';
