package dev.parley.bots.knowledge;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a host may be fetched: every address it resolves to must be public — not loopback,
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local, carrier-grade NAT (100.64/10), "this
 * network" (0/8), any-local or multicast — unless the operator allows private addresses. Stateless
 * and thread-safe; blocks on DNS.
 */
final class PublicAddresses {
  private PublicAddresses() {}

  /** Throws unless {@code host} resolves only to addresses that may be fetched. */
  static void check(String host, boolean allowPrivate) throws IngestException {
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IngestException("the host " + host + " is not known");
    }
    if (allowPrivate) {
      return;
    }
    for (InetAddress a : all) {
      if (!isPublic(a)) {
        throw new IngestException(
            "the host "
                + host
                + " is a private or loopback address ("
                + a.getHostAddress()
                + "); fetching it is not allowed");
      }
    }
  }

  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 && !(first == 100 && second >= 64 && second < 128);
    }
    if (a instanceof Inet6Address) {
      return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
    }
    return true;
  }
}
