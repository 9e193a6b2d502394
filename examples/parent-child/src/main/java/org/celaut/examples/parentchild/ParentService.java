package org.celaut.examples.parentchild;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.service.ServiceContext;

/**
 * The parent of examples/parent-child: a Celaut service that uses another service through its
 * node. It serves HTTP on port 8080:
 *
 * <ul>
 *   <li>{@code GET /} answers {@code parent ready} (a readiness probe that starts nothing);
 *   <li>{@code GET /combined} starts the child service, the dependency {@code CHILD_SERVICE},
 *       through the node, asks the child's {@code /cgi-bin/greet} on the child's address on the
 *       node network, stops the child and answers {@code parent+<the child's answer>};
 *   <li>{@code GET /spawn} starts a child and leaves it running: the node stops it when this
 *       instance stops.
 * </ul>
 *
 * <p>The child is declared in {@code .service/pack_config.json} ({@code "dependencies":
 * {"CHILD_SERVICE": "../hello-http"}, "dependencies_env": true}): the packer embeds hello-http at
 * {@code /__services__/<id>} and writes {@code CHILD_SERVICE=<id>} to {@code /.dependencies}, so
 * {@link ServiceContext#startDependency} finds the id there and uploads the embedded service if the
 * node has never seen it. A {@code CHILD_SERVICE} variable set at start overrides the declared id.
 *
 * <p>The child gets {@code GREETING} = this instance's {@code CHILD_GREETING} (if set), so what
 * the caller of the parent configured reaches the child through two starts.
 */
public final class ParentService {

  static final int PORT = 8080;
  static final int CHILD_PORT = 8080;
  static final String CHILD_PATH = "/cgi-bin/greet";
  static final Duration CHILD_READY_TIMEOUT = Duration.ofSeconds(30);
  /** The name the child is declared under in pack_config.json. */
  static final String CHILD = "CHILD_SERVICE";

  private final ServiceContext ctx;
  private final Optional<String> childGreeting;

  ParentService(ServiceContext ctx) {
    this.ctx = ctx;
    this.childGreeting = variable(ctx, "CHILD_GREETING");
  }

  /** Reads {@code /__config__}, then serves until the node stops the container. */
  public static void main(String[] args) throws Exception {
    ServiceContext ctx = ServiceContext.fromConfigFile();
    ParentService parent = new ParentService(ctx);
    HttpServer server = HttpServer.create(new InetSocketAddress(PORT), 16);
    server.createContext("/", ex -> parent.handle(ex));
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    String child;
    try {
      child = ctx.dependency(CHILD).orElse("(not declared)");
    } catch (IllegalStateException e) {
      child = "(" + e.getMessage() + ")";
    }
    log("event=ready port=" + PORT + " node=" + ctx.gatewayAddress() + " child=" + child);
  }

  private static Optional<String> variable(ServiceContext ctx, String name) {
    return ctx.environment(name).or(() -> Optional.ofNullable(System.getenv(name))).filter(s -> !s.isBlank());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!"GET".equals(ex.getRequestMethod())) {
        reply(ex, 405, "only GET\n");
      } else if (path.equals("/")) {
        reply(ex, 200, "parent ready\n");
      } else if (path.equals("/combined")) {
        combined(ex);
      } else if (path.equals("/spawn")) {
        spawn(ex);
      } else {
        reply(ex, 404, "no such path: " + path + " (try /combined)\n");
      }
    } catch (RuntimeException e) {
      log("event=error message=" + e);
    }
  }

  private void combined(HttpExchange ex) throws IOException {
    ServiceHandle child;
    try {
      child = ctx.startDependency(CHILD, childOptions());
    } catch (IllegalStateException e) {
      reply(ex, 500, e.getMessage() + "\n");
      return;
    } catch (CelautException | IllegalArgumentException e) {
      reply(ex, 502, "could not start the child: " + e.getMessage() + "\n");
      return;
    }
    // Stop the child before answering, so whoever reads the answer sees it gone.
    String answer = null;
    String failure = null;
    try {
      InetSocketAddress at = child.siblingAddress(CHILD_PORT);
      answer = askChild(at);
      log("event=combined child_address=" + at.getHostString() + ":" + at.getPort());
    } catch (IOException | RuntimeException e) {
      failure = e.getMessage();
    } finally {
      try {
        ctx.stopChild(child.token());
      } catch (CelautException e) {
        log("event=child_stop_failed message=" + e.getMessage());
      }
    }
    if (answer != null) {
      reply(ex, 200, "parent+" + answer.strip() + "\n");
    } else {
      reply(ex, 502, "the child did not answer: " + failure + "\n");
    }
  }

  private void spawn(HttpExchange ex) throws IOException {
    try {
      ServiceHandle child = ctx.startDependency(CHILD, childOptions());
      InetSocketAddress at = child.siblingAddress(CHILD_PORT);
      log("event=spawned child_address=" + at.getHostString() + ":" + at.getPort());
      reply(ex, 200, "spawned a child at " + at.getHostString() + ":" + at.getPort() + "; it runs until this instance stops\n");
    } catch (IllegalStateException e) {
      reply(ex, 500, e.getMessage() + "\n");
    } catch (CelautException | IllegalArgumentException e) {
      reply(ex, 502, "could not start the child: " + e.getMessage() + "\n");
    }
  }

  private StartOptions childOptions() {
    StartOptions.Builder b = StartOptions.builder().timeout(Duration.ofMinutes(2));
    childGreeting.ifPresent(g -> b.env("GREETING", g));
    return b.build();
  }

  /** GETs the child's greeting, retrying while its server comes up. */
  private static String askChild(InetSocketAddress at) throws IOException {
    URL url;
    try {
      url = new URI("http", null, at.getHostString(), at.getPort(), CHILD_PATH, null, null).toURL();
    } catch (URISyntaxException e) {
      throw new IOException("bad child address " + at, e);
    }
    long until = System.nanoTime() + CHILD_READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < until) {
      try {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(5000);
        try {
          if (c.getResponseCode() == 200) {
            try (InputStream in = c.getInputStream()) {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
          }
          last = new IOException(url + " answered HTTP " + c.getResponseCode());
        } finally {
          c.disconnect();
        }
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the child", e);
      }
    }
    throw new IOException("no answer from " + url + " within " + CHILD_READY_TIMEOUT.toSeconds() + " s: " + last, last);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void log(String line) {
    System.out.println("parent-child " + line);
  }
}
