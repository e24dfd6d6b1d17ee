// The query editor: a plain textarea over a highlighted copy of its text, with line
// numbers and a layer that marks a syntax error where the server found it.
//
// The textarea stays the real input, so selection, undo, input methods and screen
// readers are the browser's own; the layers under it only draw, in the same font and
// padding, and follow its scrolling. No editor library: the page must work offline
// and be served by kg alone.
import { highlightSparql } from "./sparql-highlight.js";

export class Editor {
  constructor(root) {
    this.root = root;
    this.textarea = root.querySelector("textarea");
    this.text = root.querySelector(".editor-text");
    this.highlight = root.querySelector(".highlight");
    this.marks = root.querySelector(".marks");
    this.mirror = root.querySelector(".mirror");
    this.gutter = root.querySelector(".gutter");
    this.error = null; // {line, column, message} as the server reported it
    this.textarea.addEventListener("input", () => {
      this.error = null; // the text moved on: a mark would point at the wrong place
      this.refresh();
    });
    this.textarea.addEventListener("scroll", () => this.follow());
    this.refresh();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.error = null;
    this.refresh();
  }

  // Replace text[from, to) as if typed, so Ctrl+Z undoes it; setRangeText is the
  // fallback where execCommand is gone (it loses the undo step, not the edit).
  replace(from, to, insert) {
    const area = this.textarea;
    area.focus();
    area.setSelectionRange(from, to);
    if (!document.execCommand("insertText", false, insert)) {
      area.setRangeText(insert, from, to, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  refresh() {
    const text = this.textarea.value;
    this.highlight.innerHTML = highlightSparql(text);
    this.drawGutter(text);
    this.drawMarks(text);
    this.follow();
  }

  drawGutter(text) {
    const count = text.split("\n").length;
    const numbers = [];
    for (let line = 1; line <= count; line++) {
      numbers.push(line === this.error?.line ? `<b class="error-line">${line}</b>` : line);
    }
    this.gutter.innerHTML = numbers.join("\n") + "\n";
  }

  // Show the server's syntax error at its line and column: a wavy underline under the
  // token there and the message after the end of that line (where it hides no code).
  markError(line, column, message) {
    this.error = { line, column, message };
    this.refresh();
    const mark = this.marks.querySelector(".error-mark");
    if (mark) this.scrollIntoView(mark);
  }

  clearError() {
    if (!this.error) return;
    this.error = null;
    this.refresh();
  }

  drawMarks(text) {
    if (!this.error) {
      this.marks.replaceChildren();
      return;
    }
    const at = offsetOf(text, this.error.line, this.error.column);
    const lineEnd = text.indexOf("\n", at) === -1 ? text.length : text.indexOf("\n", at);
    const word = /^[^\s{}()\[\],;]+/.exec(text.slice(at, lineEnd));
    const end = at + (word ? word[0].length : 0);
    const mark = span("error-mark", word ? word[0] : "\u00a0"); // at a space: mark the place
    mark.dataset.line = this.error.line;
    mark.dataset.column = this.error.column;
    this.marks.replaceChildren(
      text.slice(0, at), mark, text.slice(end, lineEnd),
      span("error-note", "  ◀ " + this.error.message), text.slice(lineEnd) + "\n",
    );
  }

  follow() {
    const { scrollTop, scrollLeft } = this.textarea;
    for (const layer of [this.highlight, this.marks]) {
      layer.scrollTop = scrollTop;
      layer.scrollLeft = scrollLeft;
    }
    this.gutter.scrollTop = scrollTop;
  }

  scrollIntoView(element) {
    const area = this.textarea;
    const top = element.offsetTop;
    if (top < area.scrollTop || top > area.scrollTop + area.clientHeight - 30) {
      area.scrollTop = Math.max(0, top - area.clientHeight / 2);
    }
  }

  // Where the caret at `offset` is drawn, relative to the editor's box: a copy of the
  // text up to it, in the same font, tells (the browser knows glyph widths, we don't).
  caretPoint(offset) {
    const marker = span("", "\u200b");
    this.mirror.replaceChildren(this.textarea.value.slice(0, offset), marker);
    return {
      left: this.text.offsetLeft + marker.offsetLeft - this.textarea.scrollLeft,
      top: this.text.offsetTop + marker.offsetTop + marker.offsetHeight - this.textarea.scrollTop,
    };
  }
}

function span(className, text) {
  const element = document.createElement("span");
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

// The UTF-16 offset of a line and column as the server counts them: both from 1, the
// column in characters (code points), so an emoji before the error counts once.
export function offsetOf(text, line, column) {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf("\n", start);
    if (next === -1) return text.length;
    start = next + 1;
  }
  let end = text.indexOf("\n", start);
  if (end === -1) end = text.length;
  let offset = start;
  let counted = 1;
  for (const character of text.slice(start, end)) {
    if (counted >= column) break;
    offset += character.length;
    counted += 1;
  }
  return offset;
}
