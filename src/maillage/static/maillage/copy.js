// Copy buttons: <button data-copy-target="field-id" data-copied-label="Copied" hidden>.
// Without JavaScript the button stays hidden and the field can be selected and copied by hand.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(`${button.dataset.copyTarget}-status`);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy");
    }
    if (status) {
      status.textContent = button.dataset.copiedLabel;
    }
  });
});
