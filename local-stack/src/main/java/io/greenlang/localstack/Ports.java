package io.greenlang.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * Chooses TCP ports on the loopback interface: the requested one, else the one remembered in the data
 * directory if it is still free, else a new free one.
 */
final class Ports {

    private Ports() {
    }

    /**
     * The port a server should listen on, never one of {@code taken} (the ports already chosen for the other
     * servers of the stack), which it then joins.
     *
     * @param requested the port asked for in the builder; {@code 0} means "any"
     * @param remembered the port used on the previous start on this data directory, or {@code 0}
     */
    static int choose(int requested, int remembered, Set<Integer> taken) {
        int port;
        if (requested > 0) {
            port = requested;
        } else if (remembered > 0 && !taken.contains(remembered) && isFree(remembered)) {
            port = remembered;
        } else {
            do {
                port = freePort();
            } while (taken.contains(port));
        }
        if (!taken.add(port)) {
            throw new IllegalArgumentException("Port " + port + " is asked for by two servers of the stack");
        }
        return port;
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException notFree) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on the loopback interface", e);
        }
    }
}
