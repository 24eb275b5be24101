const t = { title: 'Catalog' };

export function CatalogPage() {
  return <h1>{t.title}</h1>;
}
