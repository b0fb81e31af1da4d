/* The TUN device: layer-3 packets, one per read and write, no packet
 * information header (IFF_NO_PI).  With vnet, every packet is preceded by
 * a virtio_net_hdr (IFF_VNET_HDR): on a write it lets tcpstate hand the
 * kernel a train of back-to-back segments as one GSO packet and leave
 * the TCP checksum to it; on a read the kernel does the same for us, once
 * the device offers the offloads (TUNSETOFFLOAD). */
#include "net/net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int tcpn_tun_open(char name[IF_NAMESIZE], bool vnet, char *err, size_t errlen)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "opening /dev/net/tun: %s", strerror(e));
		return -e;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0));
	/* An existing persistent device of this name is attached to rather
	 * than created (the kernel decides; it needs the same privilege). */
	memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		snprintf(err, errlen, "creating TUN device '%s': %s", name, strerror(e));
		close(fd);
		return -e;
	}
	/* Without it the kernel cuts and checksums every segment for us;
	 * failing, it still does, so this is not an error. */
	if (vnet)
		(void)ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	memcpy(name, ifr.ifr_name, IF_NAMESIZE);
	name[IF_NAMESIZE - 1] = '\0';
	return fd;
}

bool tcpn_tun_offload(const uint8_t *hdr, tcpn_offload *off)
{
	struct virtio_net_hdr h;
	memcpy(&h, hdr, sizeof h);
	off->csum_trusted = h.flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID);
	off->gso_size = 0;
	switch (h.gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		off->gso_size = h.gso_size;
		return h.gso_size != 0;
	default: /* UDP, ECN: never offered, so never sent */
		return false;
	}
}
