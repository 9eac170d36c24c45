// The HTML of productpage, after the Bootstrap templates of the Bookinfo images Istio 1.0 deploys: the
// same structure, classes and texts (glyphicon stars in a <font color>), without the CDN stylesheets.

export interface Product {
  id: number;
  title: string;
  descriptionHtml: string;
}

export interface Fetched {
  status: number;
  body: Record<string, unknown>;
}

function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

function head(title: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
`;
}

function nav(user: string): string {
  const right = user
    ? `    <p class="navbar-text navbar-right">
      <i class="glyphicon glyphicon-user" aria-hidden="true"></i>
      <span style="padding-left: 5px;">${escapeHtml(user)} ( <a href="logout">sign out</a> )</span>
    </p>`
    : `    <button type="button" class="btn btn-default navbar-btn navbar-right" data-toggle="modal" href="#login-modal">Sign in</button>`;
  return `<nav class="navbar navbar-inverse navbar-static-top">
  <div class="container">
    <div class="navbar-header">
      <a class="navbar-brand" href="#">BookInfo Sample</a>
    </div>
${right}
  </div>
</nav>
<div id="login-modal" class="modal" tabindex="-1" role="dialog">
  <div class="modal-dialog" role="document">
    <div class="modal-content">
      <div class="modal-header">
        <h4 class="modal-title">Please sign in</h4>
      </div>
      <div class="modal-body">
        <form method="post" action='login' name="login_form">
          <p><input type="text" class="form-control" name="username" id="username" placeholder="User Name"></p>
          <p><input type="password" class="form-control" name="passwd" placeholder="Password"></p>
          <p><button type="submit" class="btn btn-primary">Sign in</button></p>
        </form>
      </div>
    </div>
  </div>
</div>
`;
}

function detailsPanel(details: Fetched): string {
  if (details.status === 200) {
    const d = details.body;
    return `      <h4 class="text-center text-primary">Book Details</h4>
      <dl>
        <dt>Type:</dt>${escapeHtml(d.type)}
        <dt>Pages:</dt>${escapeHtml(d.pages)}
        <dt>Publisher:</dt>${escapeHtml(d.publisher)}
        <dt>Language:</dt>${escapeHtml(d.language)}
        <dt>ISBN-10:</dt>${escapeHtml(d['ISBN-10'])}
        <dt>ISBN-13:</dt>${escapeHtml(d['ISBN-13'])}
      </dl>
`;
  }
  return `      <h4 class="text-center text-primary">Error fetching product details!</h4>
      <p>${escapeHtml(details.body.error)}</p>
`;
}

function ratingHtml(rating: unknown): string {
  if (typeof rating !== 'object' || rating === null) return '';
  const r = rating as { stars?: unknown; color?: unknown; error?: unknown };
  // Jinja's truthiness: 0 stars shows nothing, like the original.
  if (typeof r.stars === 'number' && r.stars !== 0) {
    const full = Math.max(0, Math.min(5, Math.trunc(r.stars)));
    return `        <font color="${escapeHtml(r.color)}">
          <!-- full stars: -->
${'          <span class="glyphicon glyphicon-star"></span>\n'.repeat(full)}          <!-- empty stars: -->
${'          <span class="glyphicon glyphicon-star-empty"></span>\n'.repeat(5 - full)}        </font>
`;
  }
  if (r.error) return `        <p><i>${escapeHtml(r.error)}</i></p>\n`;
  return '';
}

function reviewsPanel(reviews: Fetched): string {
  if (reviews.status !== 200) {
    return `      <h4 class="text-center text-primary">Error fetching product reviews!</h4>
      <p>${escapeHtml(reviews.body.error)}</p>
`;
  }
  const list = Array.isArray(reviews.body.reviews) ? (reviews.body.reviews as unknown[]) : [];
  const items = list.map((item) => {
    const review = (typeof item === 'object' && item !== null ? item : {}) as { text?: unknown; reviewer?: unknown; rating?: unknown };
    return `      <blockquote>
        <p>${escapeHtml(review.text)}</p>
        <small>${escapeHtml(review.reviewer)}</small>
${ratingHtml(review.rating)}      </blockquote>
`;
  });
  return `      <h4 class="text-center text-primary">Book Reviews</h4>\n${items.join('')}`;
}

export function renderProductPage(input: { product: Product; details: Fetched; reviews: Fetched; user: string }): string {
  return `${head('Simple Bookstore App')}${nav(input.user)}
<div class="container-fluid">
  <div class="row">
    <div class="col-md-12">
      <h3 class="text-center text-primary">${escapeHtml(input.product.title)}</h3>
      <p>Summary: ${input.product.descriptionHtml}</p>
    </div>
  </div>

  <div class="row">
    <div class="col-md-6">
${detailsPanel(input.details)}    </div>

    <div class="col-md-6">
${reviewsPanel(input.reviews)}    </div>
  </div>
</div>
</body>
</html>
`;
}

/** The landing page: the services productpage calls, and links for a normal and a test user. */
export function renderIndex(services: ReadonlyArray<{ name: string; endpoint: string }>): string {
  const rows = services.map((s) => `    <tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.endpoint)}</td></tr>\n`).join('');
  return `${head('Simple Bookstore App')}<div class="container">
  <div class="row">
    <div class="col-md-12">
      <h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
    </div>
  </div>
  <table class="table table-condensed table-bordered table-hover">
    <tr><th>name</th><th>endpoint</th></tr>
${rows}  </table>
  <div class="row">
    <div class="col-md-12">
      <h4>Click on one of the links below to auto generate a request to the backend as a real user or a tester</h4>
    </div>
  </div>
  <p><a href="/productpage?u=normal">Normal user</a></p>
  <p><a href="/productpage?u=test">Test user</a></p>
</div>
</body>
</html>
`;
}
