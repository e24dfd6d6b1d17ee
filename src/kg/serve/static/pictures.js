// The pictures of a page (landing, article): each <figure data-view data-source> names
// a view of views.js and the JSON data block the server embedded (the answer of a
// stored query). The server also printed the figure's text equivalent (.picture-text),
// so without JavaScript the page still says everything; once the picture is drawn the
// table steps out of sight but stays for screen readers.
"use strict";

for (const figure of document.querySelectorAll("figure[data-view][data-source]")) {
  const block = document.getElementById(figure.dataset.source);
  const canvas = figure.querySelector(".picture-canvas");
  if (!block || !canvas || !window.kgViews) continue;
  const caption = figure.querySelector("figcaption");
  try {
    window.kgViews.render(figure.dataset.view, canvas, JSON.parse(block.textContent), {
      textEquivalent: false, // the server's table is the equivalent
      title: caption ? caption.textContent.trim() : "",
    });
  } catch (error) {
    console.error(error); // the table stays in sight: nothing is lost
    continue;
  }
  for (const text of figure.querySelectorAll(".picture-text")) {
    text.classList.add("kg-visually-hidden");
  }
  figure.classList.add("drawn");
}
