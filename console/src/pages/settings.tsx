const t = { title: 'Settings' };

export function SettingsPage() {
  return <h1>{t.title}</h1>;
}
