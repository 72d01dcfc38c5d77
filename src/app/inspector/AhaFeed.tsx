// Placeholder until the aha feed lands (helper U3 replaces this file).
export function AhaFeed() {
  return (
    <section aria-label="Aha feed" className="card">
      <h2>Aha moments</h2>
    </section>
  );
}
