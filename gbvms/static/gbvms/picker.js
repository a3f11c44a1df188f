// Search-as-you-type pickers for communes and agencies (docs/phone-ui.md). Progressive
// enhancement: a <select data-picker="URL"> or <input data-picker="URL"> keeps working
// without JavaScript; with it, the field gets a combobox fed by the JSON feed at URL
// (?q=…, diacritics folded on the server, 20 a page). The form field still validates on the
// server. No inline scripts or styles (CSP).
(function () {
  "use strict";
  var counter = 0;

  function feedUrl(url, q) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(q);
  }

  function enhance(field) {
    var url = field.getAttribute("data-picker");
    var valueKey = field.getAttribute("data-picker-value") || "id";
    var isSelect = field.tagName === "SELECT";
    var name = field.name || "picker";
    var id = field.id || "picker-" + ++counter;
    var input = field;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    field.parentNode.insertBefore(wrap, field);
    if (isSelect) {
      // the select stays (labelled, keyboard-usable, validated on the server); a search box
      // above it narrows the choice and sets it
      input = document.createElement("input");
      input.type = "search";
      input.id = id + "-search";
      input.className = "picker-search";
      input.setAttribute("aria-label", document.body.getAttribute("data-picker-label") || "Search");
      input.setAttribute("placeholder", document.body.getAttribute("data-picker-label") || "");
      wrap.appendChild(input);
    } else {
      wrap.appendChild(field);
    }
    // A text field that submits a code: the name moves to a hidden input holding the code of
    // the choice (or what was typed), so the visible field can show the name.
    var carrier = null;
    if (!isSelect && field.getAttribute("data-picker-value")) {
      carrier = document.createElement("input");
      carrier.type = "hidden";
      carrier.name = field.name;
      carrier.value = field.value;
      field.removeAttribute("name");
      wrap.appendChild(carrier);
    }
    var list = document.createElement("ul");
    list.id = id + "-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("data-testid", name + "-picker");

    // A select's choices that are not records (e.g. "+ Tạo cơ quan mới") stay offered below
    // the results, and alone when the field is empty.
    var fixed = isSelect
      ? Array.prototype.filter
          .call(field.options, function (o) {
            return o.value && !/^\d+$/.test(o.value);
          })
          .map(function (o) {
            return { id: o.value, label: o.text };
          })
      : [];
    var items = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(item) {
      if (isSelect) {
        var value = String(item.id);
        var exists = Array.prototype.some.call(field.options, function (o) {
          return o.value === value;
        });
        if (!exists) {
          field.add(new Option(item.label, value));
        }
        field.value = value;
        input.value = item.label;
      } else if (carrier) {
        carrier.value = String(item[valueKey] || item.label);
        input.value = item.label;
      } else {
        input.value = String(item[valueKey] || item.label);
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function render(found) {
      found = found.concat(fixed);
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(item);
        });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
    }

    var local = field.hasAttribute("data-picker-local");
    var all = null;

    function fold(text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
    }

    function searchLocal(q) {
      var needle = fold(q);
      var found = [];
      for (var i = 0; i < all.length && found.length < 20; i++) {
        if (all[i].folded.indexOf(needle) !== -1 || all[i].code === q) {
          found.push(all[i]);
        }
      }
      render(found);
    }

    function search() {
      var q = input.value.trim();
      var mine = ++serial;
      if (!q) {
        render([]);
        return;
      }
      if (local) {
        if (all) {
          searchLocal(q);
          return;
        }
        fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { items: [] };
          })
          .then(function (data) {
            all = (data.items || []).map(function (item) {
              item.folded = fold(item.label);
              return item;
            });
            if (mine === serial) {
              searchLocal(input.value.trim());
            }
          })
          .catch(function () {
            render([]);
          });
        return;
      }
      fetch(feedUrl(url, q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { items: [] };
        })
        .then(function (data) {
          if (mine === serial) {
            render(data.items || []);
          }
        })
        .catch(function () {
          render([]);
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
      if (carrier) {
        carrier.value = input.value.trim();
      }
    });
    input.addEventListener("focus", function () {
      if (!input.value.trim() && fixed.length) {
        render([]);
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.stopPropagation();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker], input[data-picker]").forEach(enhance);
  });
})();
