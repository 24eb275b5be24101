const t = { title: 'Money' };

export function MoneyPage() {
  return <h1>{t.title}</h1>;
}
