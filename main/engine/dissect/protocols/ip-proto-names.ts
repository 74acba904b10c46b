/** IANA IP protocol names as Wireshark prints them (ipproto_val), for the Info column of fragments and
 * payloads no decoder claims ("Unassigned (200)"). Generated from `tshark -G values` (ip.proto). */
const NAMES: readonly string[] = [
  "IPv6 Hop-by-Hop Option", // 0
  "ICMP", // 1
  "IGMP", // 2
  "GGP", // 3
  "IPIP", // 4
  "Stream", // 5
  "TCP", // 6
  "CBT", // 7
  "EGP", // 8
  "IGRP", // 9
  "BBN RCC", // 10
  "Network Voice", // 11
  "PUP", // 12
  "ARGUS", // 13
  "EMCON", // 14
  "XNET", // 15
  "CHAOS", // 16
  "UDP", // 17
  "Multiplex", // 18
  "DCN Measurement", // 19
  "Host Monitoring", // 20
  "Packet radio", // 21
  "IDP", // 22
  "Trunk-1", // 23
  "Trunk-2", // 24
  "Leaf-1", // 25
  "Leaf-2", // 26
  "Reliable Data", // 27
  "IRT", // 28
  "ISO TP4", // 29
  "Bulk Data", // 30
  "MFE NSP", // 31
  "Merit Internodal", // 32
  "Datagram Congestion Control Protocol", // 33
  "3rd Party Connect", // 34
  "Inter-Domain Policy Routing Protocol", // 35
  "XTP", // 36
  "Datagram delivery", // 37
  "Control Message", // 38
  "TP++", // 39
  "IL", // 40
  "IPv6", // 41
  "Source demand routing", // 42
  "Routing Header for IPv6", // 43
  "Fragment Header for IPv6", // 44
  "Inter-Domain Routing Protocol", // 45
  "Reservation Protocol", // 46
  "Generic Routing Encapsulation", // 47
  "Dynamic source routing", // 48
  "BNA", // 49
  "Encap Security Payload", // 50
  "Authentication Header", // 51
  "INSLP", // 52
  "SWIPE", // 53
  "NBMA ARP", // 54
  "IP Mobility", // 55
  "TLSP Kryptonet", // 56
  "SKIP", // 57
  "ICMPv6", // 58
  "No Next Header for IPv6", // 59
  "Destination Options for IPv6", // 60
  "any host internal protocol", // 61
  "Mobile IPv6 (old)", // 62
  "any local network", // 63
  "SATNET EXPAK", // 64
  "Kryptolan", // 65
  "Remote Virtual Disk", // 66
  "IPPC", // 67
  "any distributed file system", // 68
  "SATNET Monitoring", // 69
  "VISA", // 70
  "IPCV", // 71
  "CPNX", // 72
  "CPHB", // 73
  "Wang Span", // 74
  "Packet Video", // 75
  "Backroom SATNET Mon", // 76
  "Sun ND Protocol", // 77
  "Wideband Mon", // 78
  "Wideband Expak", // 79
  "ISO Internet Protocol", // 80
  "VMTP", // 81
  "Secure VMTP", // 82
  "VINES", // 83
  "TTP", // 84
  "NSFNET IGP", // 85
  "Dissimilar Gateway", // 86
  "TCF", // 87
  "EIGRP", // 88
  "OSPF IGP", // 89
  "Sprite RPC", // 90
  "Locus ARP", // 91
  "Multicast Transport", // 92
  "AX.25 Frames", // 93
  "IP in IP", // 94
  "MICP", // 95
  "Semaphore", // 96
  "Ether in IP", // 97
  "ENCAP", // 98
  "any private encryption scheme", // 99
  "GMTP", // 100
  "Ipsilon Flow", // 101
  "PNNI over IP", // 102
  "PIM", // 103
  "ARIS", // 104
  "SCPS", // 105
  "QNX", // 106
  "Active Networks", // 107
  "IPComp", // 108
  "Sitara Networks", // 109
  "Compaq Peer", // 110
  "IPX IN IP", // 111
  "VRRP", // 112
  "PGM", // 113
  "any 0-hop protocol", // 114
  "Layer 2 Tunneling", // 115
  "DDX", // 116
  "IATP", // 117
  "STP", // 118
  "SpectraLink", // 119
  "UTI", // 120
  "SMP", // 121
  "SM", // 122
  "PTP", // 123
  "ISIS over IP", // 124
  "FIRE", // 125
  "CRTP", // 126
  "CRUDP", // 127
  "SSCOPMCE", // 128
  "IPLT", // 129
  "Secure Packet", // 130
  "PIPE", // 131
  "SCTP", // 132
  "Fibre Channel", // 133
  "RSVP E2EI", // 134
  "Mobile IPv6", // 135
  "UDPLite", // 136
  "MPLS in IP", // 137
  "MANET", // 138
  "HIP", // 139
  "Shim6 header", // 140
  "WESP", // 141
  "ROHC", // 142
  "Ethernet", // 143
  "Unassigned", // 144
  "Unassigned", // 145
  "Unassigned", // 146
  "Unassigned", // 147
  "Unassigned", // 148
  "Unassigned", // 149
  "Unassigned", // 150
  "Unassigned", // 151
  "Unassigned", // 152
  "Unassigned", // 153
  "Unassigned", // 154
  "Unassigned", // 155
  "Unassigned", // 156
  "Unassigned", // 157
  "Unassigned", // 158
  "Unassigned", // 159
  "Unassigned", // 160
  "Unassigned", // 161
  "Unassigned", // 162
  "Unassigned", // 163
  "Unassigned", // 164
  "Unassigned", // 165
  "Unassigned", // 166
  "Unassigned", // 167
  "Unassigned", // 168
  "Unassigned", // 169
  "Unassigned", // 170
  "Unassigned", // 171
  "Unassigned", // 172
  "AX/4000 Testframe", // 173
  "Unassigned", // 174
  "Unassigned", // 175
  "Unassigned", // 176
  "Unassigned", // 177
  "Unassigned", // 178
  "Unassigned", // 179
  "Unassigned", // 180
  "Unassigned", // 181
  "Unassigned", // 182
  "Unassigned", // 183
  "Unassigned", // 184
  "Unassigned", // 185
  "Unassigned", // 186
  "Unassigned", // 187
  "Unassigned", // 188
  "Unassigned", // 189
  "Unassigned", // 190
  "Unassigned", // 191
  "Unassigned", // 192
  "Unassigned", // 193
  "Unassigned", // 194
  "Unassigned", // 195
  "Unassigned", // 196
  "Unassigned", // 197
  "Unassigned", // 198
  "Unassigned", // 199
  "Unassigned", // 200
  "Unassigned", // 201
  "Unassigned", // 202
  "Unassigned", // 203
  "Unassigned", // 204
  "Unassigned", // 205
  "Unassigned", // 206
  "Unassigned", // 207
  "Unassigned", // 208
  "Unassigned", // 209
  "Unassigned", // 210
  "Unassigned", // 211
  "Unassigned", // 212
  "Unassigned", // 213
  "Unassigned", // 214
  "Unassigned", // 215
  "Unassigned", // 216
  "Unassigned", // 217
  "Unassigned", // 218
  "Unassigned", // 219
  "Unassigned", // 220
  "Unassigned", // 221
  "Unassigned", // 222
  "Unassigned", // 223
  "Novell NCS Heartbeat", // 224
];

/** Wireshark's name for IP protocol `p`; numbers past the table are "Unknown". */
export function ipProtoName(p: number): string {
  const n = NAMES[p];
  return n !== undefined && n !== '' ? n : 'Unknown';
}
