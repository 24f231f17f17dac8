/* Live preview of the branding form: colours, name and logo change the preview as they are edited;
   the contrast of white text on the primary colour is checked as the server will (WCAG AA, 4.5:1). */
(function () {
  "use strict";
  var form = document.getElementById("branding-form");
  if (!form) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var fields = {
    name: form.querySelector("[name=display_name]"),
    primary: form.querySelector("[name=primary_color]"),
    accent: form.querySelector("[name=accent_color]"),
    logo: form.querySelector("[name=logo]")
  };
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function luminance(hex) {
    return [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }).reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function textOn(hex) { return contrast(hex, "#FFFFFF") >= contrast(hex, "#111111") ? "#FFFFFF" : "#111111"; }

  function update() {
    var primary = fields.primary.value, accent = fields.accent.value;
    $("preview-name").textContent = fields.name.value || "\u00a0";
    if (HEX.test(primary)) {
      $("preview-bar").style.background = primary;
      $("preview-bar").style.color = textOn(primary);
      $("preview-link").style.color = primary;
      var ratio = contrast(primary, "#FFFFFF");
      $("contrast-warning").textContent = ratio < 4.5
        ? "White text on this primary colour has a contrast of " + ratio.toFixed(1) + ":1; it needs at least 4.5:1."
        : "";
    }
    if (HEX.test(accent)) {
      $("preview-bar").style.borderColor = accent;
      $("preview-button").style.background = accent;
      $("preview-button").style.color = textOn(accent);
    }
  }

  fields.logo.addEventListener("change", function () {
    var file = fields.logo.files && fields.logo.files[0];
    if (!file) { return; }
    var img = $("preview-logo");
    img.src = URL.createObjectURL(file);
    img.hidden = false;
  });
  ["input", "change"].forEach(function (event) {
    [fields.name, fields.primary, fields.accent].forEach(function (f) { f.addEventListener(event, update); });
  });
  update();
})();
