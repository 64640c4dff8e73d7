package io.strata.promql.template;

/** One parsed template (the main text or a {@code define}/{@code block}): Go's {@code parse.Tree}. */
final class Tree {
  String name;
  final String parseName;
  final byte[] text;
  Node.ListNode root;

  Tree(String name, String parseName, byte[] text) {
    this.name = name;
    this.parseName = parseName;
    this.text = text;
  }

  /** Go's {@code ErrorContext}: "name:line:col" of the node (byte column) and the node's text. */
  static String location(Node n) {
    byte[] text = n.tree.text;
    int pos = n.pos;
    int lastNl = -1;
    int lines = 0;
    for (int i = 0; i < pos && i < text.length; i++) {
      if (text[i] == '\n') {
        lastNl = i;
        lines++;
      }
    }
    int col = lastNl == -1 ? pos : pos - (lastNl + 1);
    return n.tree.parseName + ":" + (1 + lines) + ":" + col;
  }

  /** Go's {@code parse.IsEmptyTree}. */
  static boolean isEmpty(Node n) {
    if (n == null) {
      return true;
    }
    if (n instanceof Node.ListNode l) {
      for (Node c : l.nodes) {
        if (!isEmpty(c)) {
          return false;
        }
      }
      return true;
    }
    if (n instanceof Node.TextNode t) {
      return t.text.codePoints().allMatch(GoStrings::isSpace);
    }
    return false;
  }
}
