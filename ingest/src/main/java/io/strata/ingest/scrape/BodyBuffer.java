package io.strata.ingest.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.GZIPInputStream;

/**
 * A growable byte buffer that a scrape loop reuses for response bodies, with the body size limit
 * enforced while bytes arrive ({@code body_size_limit}: the scrape fails with "body size limit exceeded").
 */
final class BodyBuffer {
  byte[] buf = new byte[16 * 1024];
  int len;

  void reset() {
    len = 0;
  }

  void append(ByteBuffer b, long limit) throws IOException {
    int n = b.remaining();
    ensure(len + n, limit);
    b.get(buf, len, n);
    len += n;
  }

  private void ensure(long need, long limit) throws IOException {
    if (limit > 0 && need > limit) {
      throw new IOException("body size limit exceeded");
    }
    if (need > buf.length) {
      if (need > Integer.MAX_VALUE - 16) {
        throw new IOException("body too large");
      }
      buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16L, buf.length * 2L)));
    }
  }

  /** Decompresses {@code gz[0, gzLen)} into this buffer. */
  void gunzip(byte[] gz, int gzLen, long limit) throws IOException {
    len = 0;
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz, 0, gzLen), 8192)) {
      while (true) {
        ensure(len + 8192L, limit > 0 ? limit + 8192 : 0); // room to read; the exact check follows
        int r = in.read(buf, len, buf.length - len);
        if (r < 0) {
          break;
        }
        len += r;
        if (limit > 0 && len > limit) {
          throw new IOException("body size limit exceeded");
        }
      }
    }
  }

  /** A body handler that streams into this buffer. */
  HttpResponse.BodyHandler<BodyBuffer> handler(long limit) {
    return info -> new Subscriber(this, limit);
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<BodyBuffer> {
    private final BodyBuffer target;
    private final long limit;
    private final CompletableFuture<BodyBuffer> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Subscriber(BodyBuffer target, long limit) {
      this.target = target;
      this.limit = limit;
      target.reset();
    }

    @Override
    public CompletionStage<BodyBuffer> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      try {
        for (ByteBuffer b : items) {
          target.append(b, limit);
        }
      } catch (IOException e) {
        result.completeExceptionally(e);
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(target);
    }
  }
}
