// Placeholder until the charts land (helper U2 replaces this file).
export function Charts() {
  return (
    <section aria-label="Charts" className="card">
      <h2>Charts</h2>
    </section>
  );
}
