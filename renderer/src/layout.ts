/** Packet list row height in CSS pixels (see PacketList / styles.css for why it is fixed). */
export const ROW_HEIGHT = 20;
