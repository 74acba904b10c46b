/**
 * Importing this module registers every built-in decoder in the dispatch tables and its fields in the
 * field registry. Each protocol lives in its own file and registers itself; this list is the only place
 * that names them all.
 */
import './ethernet';
import './llc';
import './vlan';
import './arp';
import './null-loopback';
import './sll';
import './sll2';
import './raw-ip';
import './ipv4';
import './ipv6';
import './tcp';
import './udp';
import './icmp';
import './icmpv6';
import './dns';
import './mdns';
import './llmnr';
import './tls';
import './quic';
import './http';
import './ntp';
import './dhcp';
import './sip';
import './rtp';
