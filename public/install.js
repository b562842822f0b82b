// Keeps the browser's offer to install the app (`beforeinstallprompt`),
// which may come before the app's WebAssembly has started, for the home
// screen's install button (src/components/install.rs): trunk inlines this
// file into the page of `/` only (scripts/lib.sh leaves it out of the
// others). Kept from the browser's own banner, so the offer is made once,
// by the button.
addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();
  window.barazaInstall = event;
  dispatchEvent(new Event('baraza-installable'));
});
addEventListener('appinstalled', () => {
  window.barazaInstall = null;
  dispatchEvent(new Event('baraza-installable'));
});
