package io.strata.embedded.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless {@code chromium}, driven over the Chrome DevTools protocol (a WebSocket from the JDK):
 * navigate, evaluate script in the page, move the mouse, type, take screenshots. The page's uncaught
 * exceptions and console errors are collected so a test can assert there were none. For browser tests
 * ({@code query/} web UI); {@link #installed()} tells whether Debian's {@code chromium} is there.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());

  /** True when Debian's chromium is installed (tests skip otherwise; {@code ./test} installs it). */
  public static boolean installed() {
    return Files.isExecutable(CHROMIUM);
  }

  public Browser(int width, int height) throws Exception {
    profile = Files.createTempDirectory("strata-chromium");
    process = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).start();
    String browserWs = awaitDevTools();
    URI base = URI.create(browserWs.replaceFirst("^ws://", "http://")).resolve("/");
    HttpClient http = HttpClient.newHttpClient();
    String pageWs = null;
    for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body())) {
      if ("page".equals(target.path("type").asText())) {
        pageWs = target.get("webSocketDebuggerUrl").asText();
      }
    }
    if (pageWs == null) {
      throw new IllegalStateException("chromium has no page target");
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new Listener()).get(10, TimeUnit.SECONDS);
    send("Runtime.enable", Map.of());
    send("Page.enable", Map.of());
    send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  private String awaitDevTools() throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    long deadline = System.currentTimeMillis() + 20_000;
    String line;
    while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // chromium's own log lines; read so the pipe never fills
            }
          } catch (IOException ignored) {
            // the process ended
          }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new IllegalStateException("chromium did not open its DevTools port; it printed:\n" + seen);
  }

  /** Sends a DevTools command and waits for its result. */
  public JsonNode send(String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode r = answer.get(30, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.get("result");
  }

  /** Loads the URL and waits until the document has loaded. */
  public void open(String url) throws Exception {
    eval("window.__strataLeft = true");
    send("Page.navigate", Map.of("url", url));
    // the page rewrites its URL (history.replaceState), so the old document's mark tells the new one apart
    waitFor("!window.__strataLeft && document.readyState === 'complete'", Duration.ofSeconds(10));
  }

  /** Evaluates a script expression in the page (promises awaited) and returns its value as JSON. */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + expression + "\n" + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Waits until the expression is truthy; fails naming it after the timeout. */
  public void waitFor(String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (eval("!!(" + expression + ")").asBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + expression
        + "\npage errors: " + pageErrors + "\npage text: " + eval("document.body.innerText").asText());
  }

  /** Focuses the element matched by the selector and types the text as keyboard input. */
  public void type(String selector, String text) throws Exception {
    eval("document.querySelector(" + JSON.writeValueAsString(selector) + ").focus()");
    for (char c : text.toCharArray()) {
      send("Input.dispatchKeyEvent", Map.of("type", "keyDown", "text", String.valueOf(c), "key", String.valueOf(c)));
      send("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", String.valueOf(c)));
    }
  }

  /** Presses a named key (Enter, ArrowDown, Tab, Escape) in the focused element. */
  public void press(String key, int keyCode) throws Exception {
    send("Input.dispatchKeyEvent", Map.of("type", "rawKeyDown", "key", key, "code", key, "windowsVirtualKeyCode", keyCode));
    send("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", key, "windowsVirtualKeyCode", keyCode));
  }

  public void mouseMove(double x, double y) throws Exception {
    send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
  }

  public void drag(double x0, double y0, double x1, double y1) throws Exception {
    mouseMove(x0, y0);
    send("Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x0, "y", y0, "button", "left", "clickCount", 1));
    mouseMove((x0 + x1) / 2, (y0 + y1) / 2);
    mouseMove(x1, y1);
    send("Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x1, "y", y1, "button", "left", "clickCount", 1));
  }

  /** A PNG of the whole page to the file. */
  public void screenshot(Path file) throws Exception {
    JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  /** Uncaught exceptions and console errors of the page so far. */
  public List<String> pageErrors() {
    synchronized (pageErrors) {
      return List.copyOf(pageErrors);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode msg = JSON.readTree(text);
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
              f.complete(msg);
            }
          } else if ("Runtime.exceptionThrown".equals(msg.path("method").asText())) {
            pageErrors.add(msg.at("/params/exceptionDetails").toString());
          } else if ("Runtime.consoleAPICalled".equals(msg.path("method").asText()) && "error".equals(msg.at("/params/type").asText())) {
            pageErrors.add(msg.at("/params/args").toString());
          }
        } catch (IOException e) {
          pageErrors.add("unreadable DevTools message: " + text);
        }
      }
      ws.request(1);
      return null;
    }
  }
}
