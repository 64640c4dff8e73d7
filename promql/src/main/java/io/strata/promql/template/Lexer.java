package io.strata.promql.template;

import io.strata.promql.ast.GoFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Go 1.19's {@code text/template/parse} lexer over the UTF-8 bytes of the text (positions are byte
 * offsets, as Go reports them): delimiters {@code {{ }}}, trim markers {@code {{- -}}}, comments,
 * and the tokens inside actions. Runs its state functions on demand instead of in a goroutine.
 */
final class Lexer {
  enum T {
    ERROR, BOOL, CHAR, CHAR_CONSTANT, COMMENT, COMPLEX, ASSIGN, DECLARE, EOF, FIELD, IDENTIFIER,
    LEFT_DELIM, LEFT_PAREN, NUMBER, PIPE, RAW_STRING, RIGHT_DELIM, RIGHT_PAREN, SPACE, STRING, TEXT,
    VARIABLE,
    // keywords (after KEYWORD)
    KEYWORD, BLOCK, BREAK, CONTINUE, DOT, DEFINE, ELSE, END, IF, NIL, RANGE, TEMPLATE, WITH;

    boolean isKeyword() {
      return ordinal() > KEYWORD.ordinal();
    }
  }

  record Item(T typ, int pos, String val, int line) {
    @Override
    public String toString() {
      if (typ == T.EOF) {
        return "EOF";
      }
      if (typ == T.ERROR) {
        return val;
      }
      if (typ.isKeyword()) {
        return "<" + val + ">";
      }
      if (val.codePointCount(0, val.length()) > 10) {
        return GoFormat.quote(val.substring(0, val.offsetByCodePoints(0, 10))) + "...";
      }
      return GoFormat.quote(val);
    }
  }

  private interface StateFn {
    StateFn run();
  }

  private static final int EOF = -1;
  private static final byte[] LEFT = "{{".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RIGHT = "}}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LEFT_COMMENT = "/*".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RIGHT_COMMENT = "*/".getBytes(StandardCharsets.US_ASCII);
  private static final int TRIM_MARKER_LEN = 2;

  private final byte[] input;
  private final boolean breakOK;
  private final boolean continueOK;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private StateFn state = this::lexText;
  private int pos;
  private int start;
  private boolean atEOF;
  private int parenDepth;
  private int line = 1;
  private int startLine = 1;

  Lexer(byte[] input, boolean breakOK, boolean continueOK) {
    this.input = input;
    this.breakOK = breakOK;
    this.continueOK = continueOK;
  }

  /** The next item; after the end (EOF or an error), Go's zero item. */
  Item nextItem() {
    while (items.isEmpty() && state != null) {
      state = state.run();
    }
    Item it = items.poll();
    return it != null ? it : new Item(T.ERROR, 0, "", 0);
  }

  // ---- rune handling (Go's utf8.DecodeRune over the bytes) ----

  private int next() {
    if (pos >= input.length) {
      atEOF = true;
      return EOF;
    }
    int[] rw = Utf8.decode(input, pos);
    pos += rw[1];
    if (rw[0] == '\n') {
      line++;
    }
    return rw[0];
  }

  private int peek() {
    int r = next();
    backup();
    return r;
  }

  private void backup() {
    if (!atEOF && pos > 0) {
      int[] rw = Utf8.decodeLast(input, pos);
      pos -= rw[1];
      if (rw[0] == '\n') {
        line--;
      }
    }
  }

  private String text(int from, int to) {
    return new String(input, from, to - from, StandardCharsets.UTF_8);
  }

  private void emit(T t) {
    items.add(new Item(t, start, text(start, pos), startLine));
    start = pos;
    startLine = line;
  }

  private void ignore() {
    line += countNewlines(start, pos);
    start = pos;
    startLine = line;
  }

  private int countNewlines(int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (input[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  private boolean accept(String valid) {
    int r = next();
    if (r >= 0 && valid.indexOf(r) >= 0) {
      return true;
    }
    backup();
    return false;
  }

  private void acceptRun(String valid) {
    int r;
    do {
      r = next();
    } while (r >= 0 && valid.indexOf(r) >= 0);
    backup();
  }

  private StateFn errorf(String msg) {
    items.add(new Item(T.ERROR, start, msg, startLine));
    return null;
  }

  private boolean hasPrefix(int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > input.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (input[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private int indexOf(int from, byte[] what) {
    for (int i = from; i + what.length <= input.length; i++) {
      if (hasPrefix(i, what)) {
        return i;
      }
    }
    return -1;
  }

  // ---- state functions ----

  private StateFn lexText() {
    int x = indexOf(pos, LEFT);
    if (x >= 0) {
      int ldn = LEFT.length;
      pos = x;
      int trimLength = 0;
      if (hasLeftTrimMarker(pos + ldn)) {
        trimLength = rightTrimLength(start, pos);
      }
      pos -= trimLength;
      if (pos > start) {
        line += countNewlines(start, pos);
        emit(T.TEXT);
      }
      pos += trimLength;
      ignore();
      return this::lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) {
      line += countNewlines(start, pos);
      emit(T.TEXT);
    }
    emit(T.EOF);
    return null;
  }

  private int rightTrimLength(int from, int to) {
    int i = to;
    while (i > from && isSpaceByte(input[i - 1])) {
      i--;
    }
    return to - i;
  }

  private int leftTrimLength(int from) {
    int i = from;
    while (i < input.length && isSpaceByte(input[i])) {
      i++;
    }
    return i - from;
  }

  /** Returns {delim, trimSpaces}. */
  private boolean[] atRightDelim() {
    if (hasRightTrimMarker(pos) && hasPrefix(pos + TRIM_MARKER_LEN, RIGHT)) {
      return new boolean[] {true, true};
    }
    if (hasPrefix(pos, RIGHT)) {
      return new boolean[] {true, false};
    }
    return new boolean[] {false, false};
  }

  private StateFn lexLeftDelim() {
    pos += LEFT.length;
    boolean trimSpace = hasLeftTrimMarker(pos);
    int afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
    if (hasPrefix(pos + afterMarker, LEFT_COMMENT)) {
      pos += afterMarker;
      ignore();
      return this::lexComment;
    }
    emit(T.LEFT_DELIM);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    return this::lexInsideAction;
  }

  private StateFn lexComment() {
    pos += LEFT_COMMENT.length;
    int i = indexOf(pos, RIGHT_COMMENT);
    if (i < 0) {
      return errorf("unclosed comment");
    }
    pos = i + RIGHT_COMMENT.length;
    boolean[] d = atRightDelim();
    if (!d[0]) {
      return errorf("comment ends before closing delimiter");
    }
    if (d[1]) {
      pos += TRIM_MARKER_LEN;
    }
    pos += RIGHT.length;
    if (d[1]) {
      pos += leftTrimLength(pos);
    }
    ignore();
    return this::lexText;
  }

  private StateFn lexRightDelim() {
    boolean trimSpace = hasRightTrimMarker(pos);
    if (trimSpace) {
      pos += TRIM_MARKER_LEN;
      ignore();
    }
    pos += RIGHT.length;
    emit(T.RIGHT_DELIM);
    if (trimSpace) {
      pos += leftTrimLength(pos);
      ignore();
    }
    return this::lexText;
  }

  private StateFn lexInsideAction() {
    if (atRightDelim()[0]) {
      if (parenDepth == 0) {
        return this::lexRightDelim;
      }
      return errorf("unclosed left paren");
    }
    int r = next();
    if (r == EOF) {
      return errorf("unclosed action");
    } else if (isSpace(r)) {
      backup();
      return this::lexSpace;
    } else if (r == '=') {
      emit(T.ASSIGN);
    } else if (r == ':') {
      if (next() != '=') {
        return errorf("expected :=");
      }
      emit(T.DECLARE);
    } else if (r == '|') {
      emit(T.PIPE);
    } else if (r == '"') {
      return this::lexQuote;
    } else if (r == '`') {
      return this::lexRawQuote;
    } else if (r == '$') {
      return this::lexVariable;
    } else if (r == '\'') {
      return this::lexChar;
    } else if (r == '.' && pos < input.length && (input[pos] < '0' || input[pos] > '9')) {
      return () -> lexFieldOrVariable(T.FIELD);
    } else if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      backup();
      return this::lexNumber;
    } else if (isAlphaNumeric(r)) {
      backup();
      return this::lexIdentifier;
    } else if (r == '(') {
      emit(T.LEFT_PAREN);
      parenDepth++;
    } else if (r == ')') {
      emit(T.RIGHT_PAREN);
      parenDepth--;
      if (parenDepth < 0) {
        return errorf("unexpected right paren " + runeU(r));
      }
    } else if (r <= 0x7f && r >= 0x20 && r < 0x7f) {
      emit(T.CHAR);
    } else {
      return errorf("unrecognized character in action: " + runeU(r));
    }
    return this::lexInsideAction;
  }

  private StateFn lexSpace() {
    int numSpaces = 0;
    while (isSpace(peek())) {
      next();
      numSpaces++;
    }
    if (hasRightTrimMarker(pos - 1) && hasPrefix(pos - 1 + TRIM_MARKER_LEN, RIGHT)) {
      backup();
      if (numSpaces == 1) {
        return this::lexRightDelim;
      }
    }
    emit(T.SPACE);
    return this::lexInsideAction;
  }

  private StateFn lexIdentifier() {
    while (true) {
      int r = next();
      if (isAlphaNumeric(r)) {
        continue;
      }
      backup();
      String word = text(start, pos);
      if (!atTerminator()) {
        return errorf("bad character " + runeU(r));
      }
      T kw = keyword(word);
      if (kw != null) {
        if (kw == T.BREAK && !breakOK || kw == T.CONTINUE && !continueOK) {
          emit(T.IDENTIFIER);
        } else {
          emit(kw);
        }
      } else if (word.charAt(0) == '.') {
        emit(T.FIELD);
      } else if (word.equals("true") || word.equals("false")) {
        emit(T.BOOL);
      } else {
        emit(T.IDENTIFIER);
      }
      return this::lexInsideAction;
    }
  }

  private static T keyword(String word) {
    return switch (word) {
      case "." -> T.DOT;
      case "block" -> T.BLOCK;
      case "break" -> T.BREAK;
      case "continue" -> T.CONTINUE;
      case "define" -> T.DEFINE;
      case "else" -> T.ELSE;
      case "end" -> T.END;
      case "if" -> T.IF;
      case "range" -> T.RANGE;
      case "nil" -> T.NIL;
      case "template" -> T.TEMPLATE;
      case "with" -> T.WITH;
      default -> null;
    };
  }

  private StateFn lexVariable() {
    if (atTerminator()) {
      emit(T.VARIABLE);
      return this::lexInsideAction;
    }
    return lexFieldOrVariable(T.VARIABLE);
  }

  private StateFn lexFieldOrVariable(T typ) {
    if (atTerminator()) {
      emit(typ == T.VARIABLE ? T.VARIABLE : T.DOT);
      return this::lexInsideAction;
    }
    int r;
    while (true) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) {
      return errorf("bad character " + runeU(r));
    }
    emit(typ);
    return this::lexInsideAction;
  }

  private boolean atTerminator() {
    int r = peek();
    if (isSpace(r)) {
      return true;
    }
    switch (r) {
      case EOF, '.', ',', '|', ':', ')', '(':
        return true;
      default:
        return hasPrefix(pos, RIGHT);
    }
  }

  private StateFn lexChar() {
    while (true) {
      int r = next();
      if (r == '\\') {
        int r2 = next();
        if (r2 != EOF && r2 != '\n') {
          continue;
        }
        return errorf("unterminated character constant");
      }
      if (r == EOF || r == '\n') {
        return errorf("unterminated character constant");
      }
      if (r == '\'') {
        break;
      }
    }
    emit(T.CHAR_CONSTANT);
    return this::lexInsideAction;
  }

  private StateFn lexNumber() {
    if (!scanNumber()) {
      return errorf("bad number syntax: " + GoFormat.quote(text(start, pos)));
    }
    int sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scanNumber() || input[pos - 1] != 'i') {
        return errorf("bad number syntax: " + GoFormat.quote(text(start, pos)));
      }
      emit(T.COMPLEX);
    } else {
      emit(T.NUMBER);
    }
    return this::lexInsideAction;
  }

  private boolean scanNumber() {
    accept("+-");
    String digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    acceptRun(digits);
    if (accept(".")) {
      acceptRun(digits);
    }
    if (digits.length() == 10 + 1 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length() == 16 + 6 + 1 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  }

  private StateFn lexQuote() {
    while (true) {
      int r = next();
      if (r == '\\') {
        int r2 = next();
        if (r2 != EOF && r2 != '\n') {
          continue;
        }
        return errorf("unterminated quoted string");
      }
      if (r == EOF || r == '\n') {
        return errorf("unterminated quoted string");
      }
      if (r == '"') {
        break;
      }
    }
    emit(T.STRING);
    return this::lexInsideAction;
  }

  private StateFn lexRawQuote() {
    while (true) {
      int r = next();
      if (r == EOF) {
        return errorf("unterminated raw quoted string");
      }
      if (r == '`') {
        break;
      }
    }
    emit(T.RAW_STRING);
    return this::lexInsideAction;
  }

  // ---- character classes ----

  static boolean isSpace(int r) {
    return r == ' ' || r == '\t' || r == '\r' || r == '\n';
  }

  private static boolean isSpaceByte(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  static boolean isAlphaNumeric(int r) {
    return r == '_' || (r >= 0 && (Character.isLetter(r) || Character.isDigit(r)));
  }

  private boolean hasLeftTrimMarker(int at) {
    return at + 2 <= input.length && input[at] == '-' && isSpaceByte(input[at + 1]);
  }

  private boolean hasRightTrimMarker(int at) {
    return at >= 0 && at + 2 <= input.length && isSpaceByte(input[at]) && input[at + 1] == '-';
  }

  /** Go's {@code %#U}: {@code U+0024 '$'}. */
  static String runeU(int r) {
    String hex = String.format("U+%04X", r);
    if (r >= 0 && GoStrings.isPrint(r)) {
      return hex + " '" + new String(Character.toChars(r)) + "'";
    }
    return hex;
  }
}
