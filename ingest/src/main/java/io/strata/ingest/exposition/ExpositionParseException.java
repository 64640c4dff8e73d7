package io.strata.ingest.exposition;

/** A text exposition that does not follow its format; carries the 1-based line number. */
public final class ExpositionParseException extends Exception {
  private final int line;
  private final String detail;

  public ExpositionParseException(int line, String detail) {
    super("text format parsing error in line " + line + ": " + detail);
    this.line = line;
    this.detail = detail;
  }

  /** 1-based line of the error. */
  public int line() {
    return line;
  }

  /** The message without the line prefix. */
  public String detail() {
    return detail;
  }
}
