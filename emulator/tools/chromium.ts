// The simulator's browser tests and screenshots launch the same headless Chromium as the VM's
// /shot: the VM owns it (its image carries the packages), the tools borrow it.
export { launchChromium } from "../../vm/src/shots/chromium/launch";
