"""What only the public site needs: listings and the home page, page metadata and images, print cards, search
indexing, the offline service worker, redirects for moved pages, the theme's CSS and the Content-Security-Policy."""
