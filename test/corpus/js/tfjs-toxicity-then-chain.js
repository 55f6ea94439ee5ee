// Comment moderation with the tfjs toxicity model, results handled in promise callbacks; the file uses no semicolons.
const toxicity = require('@tensorflow-models/toxicity')

const THRESHOLD = 0.8

function flagPosts(posts, onToxic) {
  toxicity.load(THRESHOLD).then((model) => {
    model.classify(posts.map((p) => p.text)).then((predictions) => { // expect: no-fallback
      const insult = predictions.find((p) => p.label === 'insult')
      insult.results.forEach((r, i) => {
        if (r.match) onToxic(posts[i])
      })
    })
  })
}

function toxicLabels(model, text) {
  return model.classify([text]).then((predictions) => predictions.filter((p) => p.results[0].match).map((p) => p.label)) // expect: no-fallback untraced-prediction
}

module.exports = { flagPosts, toxicLabels }
