/**
 * Counts which buddy-list rows React actually rendered, from inside the page: a stand-in for
 * the React DevTools hook (React reports every commit to it, production builds included).
 *
 * A fiber rendered in a commit when it is a new work-in-progress object (not a fiber of the
 * previous committed tree, which React reuses untouched for skipped subtrees) and carries the
 * PerformedWork flag (a memoized component that bailed out does not). Rendered components are
 * named by the row element they draw: `contact-row` rows by their contact URI.
 */
export const RENDER_PROBE = `(() => {
  const PERFORMED_WORK = 1;
  let previous = new WeakSet();
  const rendered = [];
  window.__rowRenders = rendered;
  window.__resetRowRenders = () => { rendered.length = 0; };
  const firstElement = (fiber) => {
    for (let f = fiber.child; f; f = f.child) if (f.stateNode instanceof Element) return f.stateNode;
    return undefined;
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject() { return 1; },
    checkDCE() {},
    onScheduleFiberRoot() {},
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    onCommitFiberRoot(_id, root) {
      const seen = new WeakSet();
      const stack = [root.current];
      while (stack.length) {
        const fiber = stack.pop();
        seen.add(fiber);
        const isComponent = fiber.tag === 0 || fiber.tag === 14 || fiber.tag === 15;
        if (isComponent && !previous.has(fiber) && (fiber.flags & PERFORMED_WORK)) {
          const el = firstElement(fiber);
          if (el && el.classList.contains('contact-row')) rendered.push(el.querySelector('[data-uri]')?.getAttribute('data-uri') ?? '?');
        }
        if (fiber.sibling) stack.push(fiber.sibling);
        if (fiber.child) stack.push(fiber.child);
      }
      previous = seen;
    },
  };
})();`;
