// Placeholder until the inspector lands (helper U3 replaces this file).
export function StepInspector() {
  return (
    <section aria-label="Step inspector" className="card">
      <h2>Step inspector</h2>
    </section>
  );
}
