/* The kernel side of the link, over rtnetlink (libmnl): the device's MTU
 * and up state, and the kernel's own address in each family, which also
 * gives the kernel its route to tcpstate's addresses through the device. */
#include "net/net_int.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Sends one request and waits for its acknowledgment.  0 or -errno. */
static int request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	static uint32_t seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq + (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
	if (n < 0)
		return -errno;
	/* mnl_cb_run turns an error acknowledgment into -1 with errno. */
	if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
		return -errno;
	return 0;
}

static int link_up(struct mnl_socket *nl, unsigned ifindex, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return request(nl, nlh);
}

static int addr_add(struct mnl_socket *nl, unsigned ifindex, const tcpn_addr *a, uint8_t prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	/* REPLACE: attaching to a device configured before is not an error. */
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = a->family == 4 ? AF_INET : AF_INET6;
	ifa->ifa_prefixlen = prefix;
	/* No duplicate address detection: nobody else is on a TUN link, and
	 * DAD would keep the address unusable for a second or more. */
	ifa->ifa_flags = a->family == 6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	size_t alen = tcpn_alen(a->family);
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->bytes);
	return request(nl, nlh);
}

int tcpn_rtnl_setup(const char *ifname, const tcpn_config *cfg, bool *v6_ok, char *err, size_t errlen)
{
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		int e = errno;
		snprintf(err, errlen, "device '%s': %s", ifname, strerror(e));
		return -e;
	}
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		snprintf(err, errlen, "rtnetlink: %s", strerror(e));
		if (nl)
			mnl_socket_close(nl);
		return -e;
	}
	int r = link_up(nl, ifindex, cfg->mtu);
	if (r) {
		snprintf(err, errlen, "setting '%s' up with MTU %u: %s", ifname, cfg->mtu, strerror(-r));
		goto out;
	}
	if (cfg->peer4.family == 4) {
		r = addr_add(nl, ifindex, &cfg->peer4, cfg->prefix4);
		if (r) {
			snprintf(err, errlen, "adding the kernel's IPv4 address to '%s': %s", ifname, strerror(-r));
			goto out;
		}
	}
	*v6_ok = false;
	if (cfg->peer6.family == 6) {
		/* IPv6 may be off in this namespace (disable_ipv6): carry on
		 * with IPv4 alone rather than fail. */
		r = addr_add(nl, ifindex, &cfg->peer6, cfg->prefix6);
		if (r == -EACCES || r == -EAFNOSUPPORT || r == -EPERM)
			r = 0;
		else if (r)
			snprintf(err, errlen, "adding the kernel's IPv6 address to '%s': %s", ifname, strerror(-r));
		else
			*v6_ok = true;
	}
out:
	mnl_socket_close(nl);
	return r;
}
