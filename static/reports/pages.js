// Tax and goal pages: a select marked data-autosubmit submits its form when changed; a button marked
// data-confirm asks first. (No inline handlers: the content security policy allows only our own scripts.)
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
