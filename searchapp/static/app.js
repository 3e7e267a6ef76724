// Progressive enhancement for the search page. Everything works without it: the
// filters are a plain GET form with a "Filtrér" button.
//
// WCAG 3.2.2 (on input): on a wide screen a ticked facet applies at once, which the
// panel says beforehand; on a phone, where the panel is folded over the results, a tick
// changes nothing until "Filtrér" is pressed. Either way the new page announces its
// count (a role=status region filled once the page is shown), and on a phone the
// results are put in view, the panel folded away and focus on the count.
(function () {
  "use strict";
  var form = document.getElementById("soeg");
  var filters = document.getElementById("filters");
  if (!form || !filters) {
    return;
  }
  var FOCUS_KEY = "searchapp-focus";
  var RESULTS = "#results";
  var narrow = window.matchMedia("(max-width: 49.99em)");
  var note = document.getElementById("filter-note");
  var heading = document.getElementById("results-heading");
  var status = document.getElementById("results-status");

  function remember(value) {
    try {
      sessionStorage.setItem(FOCUS_KEY, value);
    } catch (e) {
      // private mode: focus simply starts at the top
    }
  }

  function showNote() {
    if (!note) {
      return;
    }
    note.textContent = narrow.matches
      ? "Vælg filtre, og tryk på Filtrér for at vise resultaterne."
      : "Resultaterne opdateres, så snart du vælger et filter.";
    note.hidden = false;
  }
  showNote();
  if (narrow.addEventListener) {
    narrow.addEventListener("change", showNote);
  }

  // Empty fields stay out of the URL, which saves the server's redirect to the short
  // address. When the back button shows a page again, its names come back and every
  // field shows the search of that page's URL, not what was ticked before leaving it.
  form.addEventListener("submit", function (event) {
    if (event.submitter && filters.contains(event.submitter)) {
      remember(RESULTS);  // "Filtrér": the next page starts at its results
    }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "submit") {
        field.setAttribute("data-name", field.name);
        field.removeAttribute("name");
      }
    });
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-name]"), function (field) {
      field.name = field.getAttribute("data-name");
      field.removeAttribute("data-name");
    });
    form.reset();
  });

  // A facet checkbox applies at once on a wide screen; the page that loads puts focus
  // back on it. On a phone it waits for "Filtrér".
  filters.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox") {
      return;
    }
    if (narrow.matches) {
      if (status) {
        status.textContent = (box.checked ? "Valgt" : "Fravalgt") +
          ". Tryk på Filtrér for at vise resultaterne.";
      }
      return;
    }
    remember(box.id);
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  var focusId = null;
  try {
    focusId = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
  } catch (e) {
    focusId = null;
  }
  var target = focusId && focusId !== RESULTS && document.getElementById(focusId);
  if (target && !narrow.matches) {
    filters.open = true;
    target.focus();
  } else if (narrow.matches) {
    // On a phone the filters start folded, so the results come first (the chosen
    // ones stay in view above the results, each with its own remove link).
    filters.open = false;
  }
  if (focusId && heading) {
    if (narrow.matches || focusId === RESULTS) {
      heading.focus();
      heading.scrollIntoView({block: "start"});
    }
    if (status) {
      // Filled after the page is shown, so screen readers read the new count out.
      window.setTimeout(function () {
        status.textContent = heading.textContent.trim();
      }, 150);
    }
  }
})();
