// Code a user copies from a model's page: load the adapter with PEFT, and fetch its files through the API
// with an API key (curl and Python), filled in with the model's ids and this server's address.

export interface SnippetModel {
  id: string;
  baseModelId: string;
  archiveName: string;
}

export interface Snippet {
  id: 'peft' | 'curl' | 'python';
  label: string;
  language: string;
  code: string;
}

/** Signed URLs for the archive and each file; the same text, on one line, goes into the curl body. */
const DOWNLOAD_QUERY = `mutation ($id: ID!) {
  createModelDownload(id: $id) {
    __typename
    ... on ModelDownloadPayload { archive { name url } files { name url sha256 } }
    ... on Error { message }
  }
}`;

export function modelSnippets(model: SnippetModel, serverUrl: string): Snippet[] {
  const graphqlUrl = `${serverUrl.replace(/\/$/, '')}/graphql`;
  const body = JSON.stringify({ query: DOWNLOAD_QUERY.replace(/\s*\n\s*/g, ' '), variables: { id: model.id } });
  return [
    {
      id: 'peft',
      label: 'PEFT (Python)',
      language: 'python',
      code: [
        '# pip install transformers peft',
        `# First unpack the download-all archive: tar -xf ${model.archiveName}.tar`,
        'from peft import PeftModel',
        'from transformers import AutoModelForCausalLM, AutoTokenizer',
        '',
        `base = AutoModelForCausalLM.from_pretrained(${JSON.stringify(model.baseModelId)})`,
        `tokenizer = AutoTokenizer.from_pretrained(${JSON.stringify(model.baseModelId)})`,
        `model = PeftModel.from_pretrained(base, ${JSON.stringify(`./${model.archiveName}`)})`,
      ].join('\n'),
    },
    {
      id: 'curl',
      label: 'curl',
      language: 'sh',
      code: [
        '# An API key from Settings → API keys',
        'export BRIGHTRUN_API_KEY=brk_...',
        `curl -sS ${graphqlUrl} \\`,
        '  -H "Authorization: Bearer $BRIGHTRUN_API_KEY" \\',
        "  -H 'Content-Type: application/json' \\",
        `  -d '${body}'`,
      ].join('\n'),
    },
    {
      id: 'python',
      label: 'Python',
      language: 'python',
      code: [
        '# pip install requests; an API key from Settings → API keys in BRIGHTRUN_API_KEY',
        'import os',
        'import requests',
        '',
        `QUERY = """${DOWNLOAD_QUERY}"""`,
        'answer = requests.post(',
        `    ${JSON.stringify(graphqlUrl)},`,
        '    headers={"Authorization": f"Bearer {os.environ[\'BRIGHTRUN_API_KEY\']}"},',
        `    json={"query": QUERY, "variables": {"id": ${JSON.stringify(model.id)}}},`,
        '    timeout=600,',
        ')',
        'answer.raise_for_status()',
        'download = answer.json()["data"]["createModelDownload"]',
        'print(download["archive"]["url"])',
      ].join('\n'),
    },
  ];
}
