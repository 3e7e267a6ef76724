// Progressive enhancement for the search page. Everything works without it: the
// filters are a plain GET form with a "Filtrér" button.
(function () {
  "use strict";
  var form = document.getElementById("soeg");
  var filters = document.getElementById("filters");
  if (!form || !filters) {
    return;
  }
  var FOCUS_KEY = "searchapp-focus";

  // Empty fields stay out of the URL, which saves the server's redirect to the short
  // address. When the back button shows a page again, its names come back and every
  // field shows the search of that page's URL, not what was ticked before leaving it.
  form.addEventListener("submit", function () {
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

  // A facet checkbox applies at once; the page that loads puts focus back on it.
  filters.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox") {
      return;
    }
    try {
      sessionStorage.setItem(FOCUS_KEY, box.id);
    } catch (e) {
      // private mode: focus simply starts at the top
    }
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
  var target = focusId && document.getElementById(focusId);
  if (target) {
    filters.open = true;
    target.focus();
  } else if (window.matchMedia("(max-width: 49.99em)").matches) {
    // On a phone the filters start folded, so the results come first (the chosen
    // ones stay in view above the results, each with its own remove link).
    filters.open = false;
  }
})();
